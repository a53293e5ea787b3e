/** An item of the shop's catalogue, as every layer sees it (db/entities maps it to its table). */
export interface Item {
  id: string;
  title: string;
  description: string | null;
  brand: string | null;
  categories: string[];
  tags: string[];
  price: number | null;
  attributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

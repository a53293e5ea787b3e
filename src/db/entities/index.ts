/** Table mappings. Columns say their SQL type explicitly: the schema is owned by migrations. */
import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Item } from '../../domain/catalogue';
import { INTERACTION_KINDS, type Interaction, type InteractionKind } from '../../domain/interaction';

const numeric = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** False when the user has turned personalisation off. */
  @Column({ type: 'boolean', default: true })
  consent!: boolean;

  /** The instant the stored interest weights are expressed at (see personalisation/interests.ts). */
  @Column({ name: 'profile_ref_time', type: 'timestamptz', nullable: true })
  profileRefTime!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

@Entity({ name: 'items' })
@Index('items_updated_at_idx', ['updatedAt'])
@Check('items_price_check', 'price IS NULL OR price >= 0')
export class ItemEntity implements Item {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  brand!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  categories!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true, transformer: numeric })
  price!: number | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

@Entity({ name: 'interactions' })
@Index('interactions_user_time_idx', ['userId', 'occurredAt'])
@Index('interactions_item_time_idx', ['itemId', 'occurredAt'])
@Index('interactions_time_idx', ['occurredAt'])
@Unique('interactions_user_id_idempotency_key_key', ['userId', 'idempotencyKey'])
@Check('interactions_kind_check', `kind IN (${INTERACTION_KINDS.map((k) => `'${k}'`).join(', ')})`)
@Check('interactions_check', "item_id IS NOT NULL OR kind = 'SEARCH'")
export class InteractionEntity implements Interaction {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  @ForeignKey(() => UserEntity, 'id', { name: 'interactions_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  /** No foreign key: the log keeps the id after the item leaves the catalogue (see migration LogKeepsItemIds). */
  @Column({ name: 'item_id', type: 'text', nullable: true })
  itemId!: string | null;

  @Column({ type: 'text' })
  kind!: InteractionKind;

  @Column({ type: 'text', nullable: true })
  query!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** False when it repeated an identical event inside the de-duplication window. */
  @Column({ type: 'boolean', default: true })
  counted!: boolean;
}

@Entity({ name: 'user_interests' })
export class UserInterestEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  @ForeignKey(() => UserEntity, 'id', { name: 'user_interests_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  term!: string;

  /** Raw weight relative to the user's profile_ref_time. */
  @Column({ type: 'double precision' })
  weight!: number;
}

/** Items shown to a user: one row per user and item, counted since the user last engaged with it (issue 16). */
@Entity({ name: 'impressions' })
export class ImpressionEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  @ForeignKey(() => UserEntity, 'id', { name: 'impressions_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  @PrimaryColumn({ name: 'item_id', type: 'text' })
  itemId!: string;

  @Column({ type: 'integer' })
  shown!: number;

  @Column({ name: 'last_shown_at', type: 'timestamptz' })
  lastShownAt!: Date;
}

export const ENTITIES = [UserEntity, ItemEntity, InteractionEntity, UserInterestEntity, ImpressionEntity];

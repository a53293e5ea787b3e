/** The part of `sbd` (sentence boundary detection) this project uses; the package ships no types. */
declare module 'sbd' {
  interface Options {
    newline_boundaries?: boolean;
    html_boundaries?: boolean;
    sanitize?: boolean;
    preserve_whitespace?: boolean;
    abbreviations?: string[] | null;
  }
  const sbd: { sentences(text: string, options?: Options): string[] };
  export default sbd;
}

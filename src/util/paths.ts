/** Where the project's own files are, whether running from src/ (tsx, jest) or dist/ (node). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

/** The folder holding package.json and schema.graphql. */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema.graphql'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json beside schema.graphql)');
    dir = parent;
  }
  root = dir;
  return dir;
}

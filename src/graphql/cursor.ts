/** Opaque page cursors: base64url of "item:<id>", so clients cannot depend on their shape. */
import { InvalidInput } from '../domain/errors';

const PREFIX = 'item:';

export function encodeCursor(itemId: string): string {
  return Buffer.from(PREFIX + itemId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]*$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!decoded.startsWith(PREFIX) || decoded.length === PREFIX.length || decoded.includes('\u0000')) {
    throw new InvalidInput('after is not a cursor this API gave out', 'after');
  }
  return decoded.slice(PREFIX.length);
}

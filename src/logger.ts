/** Structured JSON logs (pino). User ids are logged hashed, never in the clear. */
import { createHash } from 'node:crypto';
import pino, { Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'tailor'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'query', 'variables'], remove: true },
  });
}

/** A stable, non-reversible handle for a user id in logs. */
export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 12);
}

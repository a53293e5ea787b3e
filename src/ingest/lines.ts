/** Streams the lines of a (possibly gzip) file with how many bytes of it have been read so far. */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface Line {
  number: number;
  text: string;
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

export async function* readLines(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<Line> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onBytes?.(bytes);
      done(null, chunk);
    },
  });
  const raw = createReadStream(path).pipe(counter);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  for await (const text of rl) {
    number++;
    if (text.trim() !== '') yield { number, text };
  }
}

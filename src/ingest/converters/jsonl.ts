/** Streaming JSON Lines in and out (gzip-aware on the way in), so inputs larger than memory convert. */
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { readLines } from '../lines';

export type JsonLine = { number: number; ok: true; value: unknown } | { number: number; ok: false; reason: string };

/** Every non-blank line of a .jsonl or .jsonl.gz file, parsed; a line that is not JSON comes back with a reason instead of throwing. */
export async function* readJsonLines(path: string): AsyncGenerator<JsonLine> {
  for await (const line of readLines(path)) {
    try {
      yield { number: line.number, ok: true, value: JSON.parse(line.text) };
    } catch {
      yield { number: line.number, ok: false, reason: 'not valid JSON' };
    }
  }
}

/** Writes one JSON value per line, waiting when the stream's buffer is full so memory stays flat. */
export class JsonLinesWriter {
  private readonly stream: WriteStream;
  count = 0;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(value: unknown): Promise<void> {
    this.count++;
    if (!this.stream.write(JSON.stringify(value) + '\n')) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Writes a whole list (already in memory) to a file. */
export async function writeJsonLines(path: string, values: Iterable<unknown>): Promise<number> {
  const writer = new JsonLinesWriter(path);
  for (const value of values) await writer.write(value);
  await writer.close();
  return writer.count;
}

/**
 * The CMU link-grammar parser as a measuring instrument: whether each sentence parses with no
 * null links (`UNUSED=0` in `link-parser en`). Used by the evaluation and the tests only, never
 * by the service: Debian packages `link-grammar` and `python3-link-grammar` provide it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../util/paths';

/** The Debian binding lives in the system interpreter's dist-packages, not in a pyenv or venv one. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(projectRoot(), 'src', 'evaluation', 'link-nulls.py');

/** Why the parser cannot run here, or null when it can. */
export function linkGrammarMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import linkgrammar'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (install the Debian packages link-grammar and python3-link-grammar)`;
  if (probe.status !== 0)
    return `${PYTHON} cannot import linkgrammar (install the Debian package python3-link-grammar)`;
  return null;
}

/** One line per sentence: line breaks inside a sentence would desynchronise the answers. */
function oneLine(sentence: string): string {
  return sentence.replace(/\s+/g, ' ').trim();
}

/** For each sentence, true when the parser finds a complete linkage (no null links). */
export function parsesWithoutNulls(sentences: readonly string[]): Promise<boolean[]> {
  if (sentences.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.split('\n');
      const start = lines.indexOf('ready');
      const answers = start < 0 ? [] : lines.slice(start + 1, start + 1 + sentences.length);
      if (code !== 0 || answers.length !== sentences.length) {
        reject(
          new Error(
            `link-grammar exited with ${code} after ${answers.length} of ${sentences.length} sentences: ${err}`,
          ),
        );
        return;
      }
      resolve(answers.map((a) => a === '1'));
    });
    child.stdin.end(sentences.map(oneLine).join('\n') + '\n');
  });
}

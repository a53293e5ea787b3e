/**
 * The TensorFlow.js runtime, loaded once per process: the native `@tensorflow/tfjs-node`
 * binding when it is installed (it is an optional dependency that needs libtensorflow), else
 * the pure JavaScript CPU backend of `@tensorflow/tfjs`. The model code is the same for both.
 */
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

let loaded: { tf: Tf; backend: string } | undefined;

/** The tf namespace and the name of the backend it runs on. */
export function tensorflow(): { tf: Tf; backend: string } {
  if (loaded) return loaded;
  let tf: Tf;
  let backend: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require('@tensorflow/tfjs-node') as Tf;
    backend = 'tensorflow (tfjs-node, native)';
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require('@tensorflow/tfjs') as Tf;
    void tf.setBackend('cpu');
    backend = 'cpu (@tensorflow/tfjs, pure JavaScript)';
  }
  loaded = { tf, backend };
  return loaded;
}

/** The tf namespace; call `tensorflow()` once first where the backend should be logged. */
export function tf(): Tf {
  return tensorflow().tf;
}

/** Logs which backend runs, once per logger call site (process start, training start). */
export function logBackend(log: (message: string) => void): void {
  log(`tensorflow backend: ${tensorflow().backend}`);
}

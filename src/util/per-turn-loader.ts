/**
 * A process-wide loader for reads that concurrent requests can share: the loads of every request
 * read off the sockets in one turn of the event loop (setImmediate, not just one request's
 * promise jobs) go out as one batch. It keeps nothing, so every load is answered by a batch that
 * started after it was asked for; the same key may appear more than once in a batch.
 */
import DataLoader from 'dataloader';

export function perTurnLoader<K, V>(batch: DataLoader.BatchLoadFn<K, V>, maxBatchSize = Infinity): DataLoader<K, V> {
  return new DataLoader<K, V>(batch, { cache: false, maxBatchSize, batchScheduleFn: (run) => setImmediate(run) });
}

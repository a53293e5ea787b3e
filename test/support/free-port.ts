/**
 * A TCP port on 127.0.0.1 that is free now, chosen by the OS (listen on port 0, read it back,
 * close). Tests that start an embedded PostgreSQL use it instead of a fixed number: a fixed port
 * fails the run whenever anything else on the machine holds it, such as a second checkout's
 * suite running at the same time.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('the OS gave no port'));
      });
    });
  });
}

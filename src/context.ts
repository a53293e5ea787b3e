/**
 * The per-request context: who asks (the viewer), DataLoaders created for this request only,
 * and the process-wide services.
 */
import type { Viewer } from './auth/viewer';
import { createLoaders, Loaders } from './graphql/loaders';
import type { Services } from './services';

export interface Context {
  viewer: Viewer;
  /** Who to count a request against for rate limits: the user, else the client address. */
  clientKey: string;
  loaders: Loaders;
  services: Services;
}

export function createContext(services: Services, viewer: Viewer, clientAddress = 'local'): Context {
  return {
    viewer,
    clientKey: viewer.userId !== null ? `user:${viewer.userId}` : `ip:${clientAddress}`,
    loaders: createLoaders(services),
    services,
  };
}

/** Who asks, once identified (authenticator.ts): what they may read and do. */
import { Forbidden } from '../domain/errors';

export interface Viewer {
  /** The user making the request, if known. */
  userId: string | null;
  /** A trusted service (gateway, back office) that may read and act for anyone. */
  isService: boolean;
  assertCanReadPersonal(userId: string): void;
  assertCanActFor(userId: string): void;
}

/** A user may read and act only for themselves; a service may for anyone; nobody else at all. */
export function makeViewer(userId: string | null, isService: boolean): Viewer {
  const allowed = (target: string) => isService || (userId !== null && userId === target);
  return {
    userId,
    isService,
    assertCanReadPersonal(target) {
      if (!allowed(target))
        throw new Forbidden('you may only read your own interests, recommendations and descriptions');
    },
    assertCanActFor(target) {
      if (!allowed(target)) throw new Forbidden('you may only record interactions for yourself');
    },
  };
}

/**
 * Who asks: a verified JWT (HS256 secret, or a public key / JWKS for asymmetric tokens), claims
 * forwarded by a trusted gateway (only with the shared gateway secret), or, in development
 * only, a plain x-user-id header. The one place identity is decided.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  importSPKI,
  jwtVerify,
  JSONWebKeySet,
  JWTPayload,
  JWTVerifyGetKey,
  KeyLike,
} from 'jose';
import type { Config } from '../config';
import { Unauthenticated } from '../domain/errors';
import { makeViewer, Viewer } from './viewer';

/** The verifier settings from config (see AUTH_* and GATEWAY_SECRET there), and the dev header switch. */
export type AuthOptions = Config['auth'] & { allowDevUserHeader: boolean };

type Headers = Record<string, string | string[] | undefined>;

export const GATEWAY_HEADERS = {
  secret: 'x-tailor-gateway-secret',
  userId: 'x-tailor-user-id',
  role: 'x-tailor-role',
} as const;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

function unauthenticated(message: string): Unauthenticated {
  return new Unauthenticated(message);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A token or forwarded claim names the service role with role, roles or scope. */
export function isServiceClaim(payload: JWTPayload): boolean {
  const roles = ([] as unknown[]).concat(payload.role ?? [], payload.roles ?? []);
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  return roles.includes('service') || scopes.includes('tailor:service');
}

export class Authenticator {
  private key: Promise<Uint8Array | KeyLike | JWTVerifyGetKey> | undefined;

  constructor(private readonly options: AuthOptions) {
    if (options.jwtSecret) this.key = Promise.resolve(new TextEncoder().encode(options.jwtSecret));
    else if (options.jwtPublicKey) this.key = importSPKI(options.jwtPublicKey, detectAlgorithm(options.jwtPublicKey));
    else if (options.jwks) this.key = Promise.resolve(createLocalJWKSet(JSON.parse(options.jwks) as JSONWebKeySet));
    else if (options.jwksUrl) this.key = Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl)));
  }

  get verifiesTokens(): boolean {
    return this.key !== undefined;
  }

  async viewerFor(headers: Headers): Promise<Viewer> {
    const gatewaySecret = header(headers, GATEWAY_HEADERS.secret);
    if (gatewaySecret !== undefined) {
      if (!this.options.gatewaySecret || !sameSecret(gatewaySecret, this.options.gatewaySecret)) {
        throw unauthenticated('the gateway secret is not valid');
      }
      const role = header(headers, GATEWAY_HEADERS.role);
      return makeViewer(header(headers, GATEWAY_HEADERS.userId) ?? null, role === 'service');
    }
    const authorization = header(headers, 'authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
      if (!this.key) throw unauthenticated('this server is not configured to verify tokens');
      const payload = await this.verify(match[1]);
      const service = isServiceClaim(payload);
      if (!service && !payload.sub) throw unauthenticated('the token names no subject');
      return makeViewer(payload.sub ?? null, service);
    }
    if (this.options.allowDevUserHeader) {
      const dev = header(headers, 'x-user-id');
      if (dev !== undefined) return makeViewer(dev, false);
    }
    return makeViewer(null, false);
  }

  private async verify(token: string): Promise<JWTPayload> {
    try {
      const key = await this.key!;
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: 5,
      });
      return payload;
    } catch {
      // The reason (expired, bad signature, wrong audience) is not the client's to probe.
      throw unauthenticated('the token is not valid');
    }
  }
}

function detectAlgorithm(pem: string): string {
  if (/BEGIN PUBLIC KEY/.test(pem) && pem.length < 300) return 'ES256';
  return 'RS256';
}

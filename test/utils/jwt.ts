import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { constants, createHmac, KeyObject, sign } from 'node:crypto';
import { KeyRing } from '../../src/auth/keys/key-ring.service';

export type JwtHeader = Record<string, unknown>;
export type JwtClaims = Record<string, unknown>;

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The header and claims of a compact JWS, unverified. */
export function decodeJwt(token: string): { header: JwtHeader; claims: JwtClaims } {
  const [header, claims] = token.split('.');
  return { header: decodePart(header), claims: decodePart(claims) };
}

function signature(algorithm: unknown, input: Buffer, key: KeyObject | Buffer | string): Buffer {
  switch (algorithm) {
    case 'HS256':
      return createHmac('sha256', key).update(input).digest();
    case 'RS256':
      return sign('sha256', input, key);
    case 'PS256':
      return sign('sha256', input, {
        key: key as KeyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case 'ES256':
      return sign('sha256', input, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
    default:
      throw new Error(`cannot sign with alg ${String(algorithm)}`);
  }
}

/**
 * Signs exactly this header and these claims with the header's `alg`, adding nothing (no library defaults),
 * so a crafted token differs from a real one only in what a test changed. HS256 takes any bytes as its secret.
 */
export function signJwt(header: JwtHeader, claims: JwtClaims, key: KeyObject | Buffer | string): string {
  const input = `${encodePart(header)}.${encodePart(claims)}`;
  return `${input}.${signature(header.alg, Buffer.from(input), key).toString('base64url')}`;
}

/** Signs with the app's own active key, as the app itself (or a thief of its key) would. */
export function signWithAppKey(app: NestFastifyApplication, header: JwtHeader, claims: JwtClaims): string {
  return signJwt(header, claims, app.get(KeyRing).activeKey.signingKey);
}

/** An unsigned token, `alg: none`. */
export function unsignedJwt(claims: JwtClaims, header: JwtHeader = { alg: 'none', typ: 'at+jwt' }): string {
  return `${encodePart(header)}.${encodePart(claims)}.`;
}

import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPair,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { JwtAlgorithm } from '../../config/app-config';

const generateKeyPairAsync = promisify(generateKeyPair);

/** A key ready for use: parsed once, so no request ever parses a PEM or a secret string. */
export interface KeyMaterial {
  /** Signs tokens: the private key, or the secret for HS256. */
  signingKey: KeyObject;
  /** Verifies tokens: the public key, or the same secret for HS256. */
  verificationKey: KeyObject;
}

export interface GeneratedKey extends KeyMaterial {
  /** What is stored encrypted: PKCS#8 DER, or the raw HS256 secret. */
  privateBytes: Buffer;
  /** SPKI PEM, or null for HS256. */
  publicPem: string | null;
}

export async function generateKey(algorithm: JwtAlgorithm): Promise<GeneratedKey> {
  if (algorithm === 'HS256') {
    const secret = randomBytes(32);
    const key = createSecretKey(secret);
    return { signingKey: key, verificationKey: key, privateBytes: secret, publicPem: null };
  }
  const { privateKey, publicKey } =
    algorithm === 'ES256'
      ? await generateKeyPairAsync('ec', { namedCurve: 'P-256' })
      : await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    signingKey: privateKey,
    verificationKey: publicKey,
    privateBytes: privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function importKey(algorithm: JwtAlgorithm, privateBytes: Buffer): KeyMaterial {
  if (algorithm === 'HS256') {
    const key = createSecretKey(privateBytes);
    return { signingKey: key, verificationKey: key };
  }
  const signingKey = createPrivateKey({ key: privateBytes, format: 'der', type: 'pkcs8' });
  return { signingKey, verificationKey: createPublicKey(signingKey) };
}

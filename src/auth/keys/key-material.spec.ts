import { sign, verify } from 'jsonwebtoken';
import type { JwtAlgorithm } from '../../config/app-config';
import { GeneratedKey, generateKey, importKey } from './key-material';

const ALGORITHMS: JwtAlgorithm[] = ['RS256', 'PS256', 'ES256', 'HS256'];

describe('key material', () => {
  const generated = new Map<JwtAlgorithm, GeneratedKey>();

  beforeAll(async () => {
    for (const algorithm of ALGORITHMS) {
      generated.set(algorithm, await generateKey(algorithm));
    }
  });

  describe.each(ALGORITHMS)('%s', (algorithm) => {
    it('should sign with the generated key and verify with the imported one', () => {
      const key = generated.get(algorithm)!;
      const imported = importKey(algorithm, key.privateBytes);
      const token = sign({ sub: 'user-1' }, key.signingKey, { algorithm });

      expect(verify(token, imported.verificationKey, { algorithms: [algorithm] })).toMatchObject({ sub: 'user-1' });
    });

    it('should sign with the imported key and verify with the generated one', () => {
      const key = generated.get(algorithm)!;
      const imported = importKey(algorithm, key.privateBytes);
      const token = sign({ sub: 'user-2' }, imported.signingKey, { algorithm });

      expect(verify(token, key.verificationKey, { algorithms: [algorithm] })).toMatchObject({ sub: 'user-2' });
    });

    it('should not verify a token signed by another generated key', async () => {
      const other = await generateKey(algorithm);
      const token = sign({ sub: 'user-3' }, other.signingKey, { algorithm });

      expect(() => verify(token, generated.get(algorithm)!.verificationKey, { algorithms: [algorithm] })).toThrow(
        'invalid signature',
      );
    });
  });

  it.each(['RS256', 'PS256'] as const)('should make %s keys 2048-bit RSA', (algorithm) => {
    const key = generated.get(algorithm)!;

    expect(key.signingKey.asymmetricKeyType).toBe('rsa');
    expect(key.signingKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(importKey(algorithm, key.privateBytes).verificationKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('should make ES256 keys on P-256', () => {
    const key = generated.get('ES256')!;

    expect(key.signingKey.asymmetricKeyType).toBe('ec');
    expect(key.signingKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it.each(['RS256', 'PS256', 'ES256'] as const)(
    'should give %s a private PKCS#8 key and a public SPKI PEM',
    (algorithm) => {
      const key = generated.get(algorithm)!;

      expect(key.signingKey.type).toBe('private');
      expect(key.verificationKey.type).toBe('public');
      expect(key.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
      expect(key.privateBytes.toString('latin1')).not.toContain('BEGIN');
      expect(importKey(algorithm, key.privateBytes).signingKey.type).toBe('private');
    },
  );

  it('should give HS256 a 32-byte secret and no public PEM', () => {
    const key = generated.get('HS256')!;

    expect(key.publicPem).toBeNull();
    expect(key.privateBytes).toHaveLength(32);
    expect(key.signingKey.type).toBe('secret');
    expect(key.signingKey.symmetricKeySize).toBe(32);
    expect(key.verificationKey).toBe(key.signingKey);
    expect(importKey('HS256', key.privateBytes).signingKey.export()).toEqual(key.privateBytes);
  });
});

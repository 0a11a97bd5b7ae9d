import { KeyEncryption } from './key-encryption';

const SECRET = 'Jx8fQ2vNw4Lr7tYp1ZkHs9Dc3Bm6Ga5E';
const KID = 'kid-2026-01';
const PLAINTEXT = Buffer.from('-----a private key, in PKCS#8 DER in real life-----');

/** Flips one bit of one dot-separated part of a stored value. */
function flipBit(stored: string, partIndex: number): string {
  const parts = stored.split('.');
  const bytes = Buffer.from(parts[partIndex], 'base64url');
  bytes[0] ^= 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('KeyEncryption', () => {
  const encryption = new KeyEncryption(SECRET);

  it('should decrypt what it encrypted', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(encryption.decrypt(stored, KID)).toEqual(PLAINTEXT);
  });

  it('should decrypt with another instance made from the same secret', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(new KeyEncryption(SECRET).decrypt(stored, KID)).toEqual(PLAINTEXT);
  });

  it('should store the format version, a 12-byte IV, a 16-byte tag and the ciphertext', () => {
    const [version, iv, tag, ciphertext] = encryption.encrypt(PLAINTEXT, KID).split('.');

    expect(version).toBe('v1');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64url')).toHaveLength(PLAINTEXT.length);
  });

  it('should not contain the plaintext', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(stored).not.toContain(PLAINTEXT.toString('base64url'));
    expect(Buffer.from(stored.split('.')[3], 'base64url')).not.toEqual(PLAINTEXT);
  });

  it('should give a different ciphertext each time (random IV)', () => {
    const first = encryption.encrypt(PLAINTEXT, KID);
    const second = encryption.encrypt(PLAINTEXT, KID);

    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
  });

  it('should throw under a wrong secret', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(() => new KeyEncryption(`${SECRET}x`).decrypt(stored, KID)).toThrow();
  });

  it('should throw for a tampered ciphertext', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(() => encryption.decrypt(flipBit(stored, 3), KID)).toThrow();
  });

  it('should throw for a tampered tag', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(() => encryption.decrypt(flipBit(stored, 2), KID)).toThrow();
  });

  it('should throw for a tag shortened to 12 or 4 bytes, which GCM would otherwise accept', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);
    const shortened = (length: number): string => {
      const parts = stored.split('.');
      parts[2] = Buffer.from(parts[2], 'base64url').subarray(0, length).toString('base64url');
      return parts.join('.');
    };

    expect(() => encryption.decrypt(shortened(12), KID)).toThrow();
    expect(() => encryption.decrypt(shortened(4), KID)).toThrow();
  });

  it('should throw for a tampered IV', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(() => encryption.decrypt(flipBit(stored, 1), KID)).toThrow();
  });

  it('should throw when decrypted under another kid (the kid is bound as additional data)', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID);

    expect(() => encryption.decrypt(stored, 'kid-2026-02')).toThrow();
  });

  it('should throw for an unknown format version', () => {
    const stored = encryption.encrypt(PLAINTEXT, KID).replace(/^v1\./, 'v2.');

    expect(() => encryption.decrypt(stored, KID)).toThrow(
      `Signing key ${KID} is not in a format this version can read`,
    );
  });

  it.each(['', 'v1', 'v1.aaaa', 'v1.aaaa.bbbb', 'a PEM, not an encrypted value'])(
    'should throw for the malformed value %p',
    (stored) => {
      expect(() => encryption.decrypt(stored, KID)).toThrow('not in a format this version can read');
    },
  );
});

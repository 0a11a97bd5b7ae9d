import { AppConfig } from '../../config/app-config';
import { KeyEncryption } from '../keys/key-encryption';
import { TotpSecretSealer } from './totp-secret-sealer';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const ENCRYPTION_SECRET = 'k3y-encrypti0n-for-unit-tests-only-1a2b3c4d5e';

describe('TotpSecretSealer', () => {
  const sealer = new TotpSecretSealer({ keyEncryptionSecret: ENCRYPTION_SECRET } as AppConfig);

  it('should open what it sealed for the same user', () => {
    expect(sealer.open(sealer.seal(SECRET, USER_ID), USER_ID)).toBe(SECRET);
  });

  it('should never store the secret in the clear, and seal it anew each time', () => {
    const sealed = sealer.seal(SECRET, USER_ID);

    expect(sealed).not.toContain(SECRET);
    expect(sealer.seal(SECRET, USER_ID)).not.toBe(sealed);
  });

  it('should refuse a value sealed for another user', () => {
    expect(() => sealer.open(sealer.seal(SECRET, USER_ID), 'another-user')).toThrow();
  });

  it('should use a key of its own, not the signing keys', () => {
    const sealed = sealer.seal(SECRET, USER_ID);

    expect(() => new KeyEncryption(ENCRYPTION_SECRET).decrypt(sealed, USER_ID)).toThrow();
  });
});

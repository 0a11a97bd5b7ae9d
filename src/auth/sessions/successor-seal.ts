import { KeyEncryption } from '../keys/key-encryption';

const SUCCESSOR_SEAL = { salt: 'bastion-refresh-successor', info: 'aes-256-gcm sealed successor' };

// Sealed under a key derived from the retired token itself: only whoever holds that token can open it, so neither
// a database dump nor KEY_ENCRYPTION_SECRET yields a usable refresh token, and successors stay random, not derived.
export function sealSuccessor(retiredToken: string, retiredTokenId: string, successor: string): string {
  return new KeyEncryption(retiredToken, SUCCESSOR_SEAL).encrypt(Buffer.from(successor), retiredTokenId);
}

/** The successor sealed for this retired token, or null when the seal does not open with it. */
export function openSuccessor(retiredToken: string, retiredTokenId: string, sealed: string): string | null {
  try {
    return new KeyEncryption(retiredToken, SUCCESSOR_SEAL).decrypt(sealed, retiredTokenId).toString();
  } catch {
    return null;
  }
}

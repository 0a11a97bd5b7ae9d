import type { JwtAlgorithm } from '../../config/app-config';
import type { SigningKey } from './signing-key.entity';

/**
 * Where a key is in its life: `next` is published and signs after the next rotation, `active` signs, `retiring` no
 * longer signs but still verifies, `retired` verifies nothing and waits to be deleted, `revoked` was cut off at once.
 */
export type KeyState = 'active' | 'next' | 'retiring' | 'retired' | 'revoked';

export interface KeyListing {
  kid: string;
  algorithm: JwtAlgorithm;
  state: KeyState;
  createdAt: Date;
  /** When the key stops (or stopped) verifying tokens; null while it has not stopped signing. */
  retiresAt: Date | null;
}

/** What the ring holds now, as KeyRing reports it. */
export interface RingView {
  activeKid: string | undefined;
  nextKid: string | undefined;
  verifies: (kid: string) => boolean;
  retirementWindowMs: number;
}

export function toKeyListing(key: SigningKey, ring: RingView): KeyListing {
  const listing = (state: KeyState, retiresAt: Date | null): KeyListing => ({
    kid: key.kid,
    algorithm: key.algorithm,
    state,
    createdAt: key.createdAt,
    retiresAt,
  });
  if (key.revokedAt) {
    return listing('revoked', key.revokedAt);
  }
  if (key.kid === ring.activeKid || key.kid === ring.nextKid) {
    return listing(key.kid === ring.activeKid ? 'active' : 'next', null);
  }
  const retiresAt = key.retiredAt && new Date(key.retiredAt.getTime() + ring.retirementWindowMs);
  return listing(ring.verifies(key.kid) ? 'retiring' : 'retired', retiresAt);
}

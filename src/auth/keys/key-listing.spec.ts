import { SigningKey } from './signing-key.entity';
import { RingView, toKeyListing } from './key-listing';

const CREATED = new Date('2026-12-01T10:00:00Z');
const RETIRED = new Date('2026-12-02T10:00:00Z');
const WINDOW_MS = 901_000;

function key(kid: string, changes: Partial<SigningKey> = {}): SigningKey {
  return {
    kid,
    algorithm: 'RS256',
    publicKey: 'pem',
    encryptedPrivateKey: 'sealed',
    createdAt: CREATED,
    activatedAt: null,
    retiredAt: null,
    revokedAt: null,
    ...changes,
  };
}

const ring: RingView = {
  activeKid: 'active',
  nextKid: 'next',
  verifies: (kid) => ['active', 'next', 'retiring'].includes(kid),
  retirementWindowMs: WINDOW_MS,
};

describe('toKeyListing', () => {
  it('should name the signing key active and the published one next, neither retiring yet', () => {
    expect(toKeyListing(key('active', { activatedAt: CREATED }), ring)).toMatchObject({
      state: 'active',
      retiresAt: null,
    });
    expect(toKeyListing(key('next'), ring)).toMatchObject({ state: 'next', retiresAt: null });
  });

  it('should call a key retiring while it verifies, retired after, both with the end of the window', () => {
    const end = new Date(RETIRED.getTime() + WINDOW_MS);

    expect(toKeyListing(key('retiring', { retiredAt: RETIRED }), ring)).toMatchObject({
      state: 'retiring',
      retiresAt: end,
    });
    expect(toKeyListing(key('retired', { retiredAt: RETIRED }), ring)).toMatchObject({
      state: 'retired',
      retiresAt: end,
    });
  });

  it('should call a revoked key revoked, from when it was revoked', () => {
    const listing = toKeyListing(key('active', { revokedAt: RETIRED, retiredAt: RETIRED }), ring);

    expect(listing).toEqual({
      kid: 'active',
      algorithm: 'RS256',
      state: 'revoked',
      createdAt: CREATED,
      retiresAt: RETIRED,
    });
  });
});

import { Test } from '@nestjs/testing';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ServiceBusyException } from '../common/http/service-busy.exception';
import { AppConfig } from '../config/app-config';
import { HASH_QUEUE_RETRY_AFTER_SECONDS } from '../throttle/limits';
import { loadConfig } from '../config/load-config';
import { ARGON2_OPTIONS, PasswordsService } from './passwords.service';

// `Algorithm` is an ambient const enum that isolated modules cannot read: 0 is Argon2d, 1 Argon2i, 2 Argon2id.
const ARGON2I = 1 as Algorithm;
const ARGON2ID = 2 as Algorithm;

describe('PasswordsService', () => {
  let passwords: PasswordsService;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [PasswordsService, { provide: AppConfig, useValue: loadConfig({}) }],
    }).compile();
    passwords = moduleRef.get(PasswordsService);
    await passwords.onModuleInit();
  });

  describe('hash', () => {
    it('should make an argon2id hash with m=19456, t=2, p=1', async () => {
      const passwordHash = await passwords.hash('correct horse battery staple');

      expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    });

    it('should salt every hash', async () => {
      const [first, second] = await Promise.all([passwords.hash('same password'), passwords.hash('same password')]);

      expect(first).not.toBe(second);
    });
  });

  describe('verify', () => {
    let passwordHash: string;

    beforeAll(async () => {
      passwordHash = await passwords.hash('correct horse battery staple');
    });

    it('should be true for the right password', async () => {
      await expect(passwords.verify(passwordHash, 'correct horse battery staple')).resolves.toBe(true);
    });

    it('should be false for a wrong password', async () => {
      await expect(passwords.verify(passwordHash, 'correct horse battery stapler')).resolves.toBe(false);
    });

    it('should be false, not throw, for a stored value that is not a hash', async () => {
      await expect(passwords.verify('not-a-hash', 'correct horse battery staple')).resolves.toBe(false);
    });

    it('should not truncate: 128-character passwords differing only in the last character do not match', async () => {
      const stored = await passwords.hash(`${'a'.repeat(127)}b`);

      await expect(passwords.verify(stored, `${'a'.repeat(127)}c`)).resolves.toBe(false);
      await expect(passwords.verify(stored, `${'a'.repeat(127)}b`)).resolves.toBe(true);
    });

    it('should not truncate: 100-character passwords differing at position 90 do not match', async () => {
      const original = 'x'.repeat(100);
      const changed = `${original.slice(0, 90)}y${original.slice(91)}`;
      const stored = await passwords.hash(original);

      expect(changed).toHaveLength(100);
      await expect(passwords.verify(stored, changed)).resolves.toBe(false);
    });
  });

  describe('with NFKC normalisation', () => {
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const decomposed = composed.normalize('NFD');

    it('should verify a composed é against a hash made from a decomposed one, and the other way round', async () => {
      await expect(passwords.verify(await passwords.hash(decomposed), composed)).resolves.toBe(true);
      await expect(passwords.verify(await passwords.hash(composed), decomposed)).resolves.toBe(true);
    });

    it('should hash the NFKC form', async () => {
      const stored = await passwords.hash('ｆｕｌｌ ｗｉｄｔｈ ｐａｓｓ');

      await expect(verify(stored, 'full width pass')).resolves.toBe(true);
    });

    it('should match a hash stored from the raw form before normalisation, and ask for a rehash', async () => {
      const legacy = await hash(decomposed, ARGON2_OPTIONS);

      await expect(passwords.check(legacy, decomposed)).resolves.toEqual({ matches: true, needsRehash: true });
    });

    it('should not ask for a rehash of a current hash of the normalised form', async () => {
      const stored = await passwords.hash(decomposed);

      await expect(passwords.check(stored, decomposed)).resolves.toEqual({ matches: true, needsRehash: false });
    });

    it('should not match a legacy raw hash with another way of typing it', async () => {
      const legacy = await hash(decomposed, ARGON2_OPTIONS);

      // Typed composed, the password is its own NFKC form, and the raw hash was of the decomposed one.
      await expect(passwords.check(legacy, composed)).resolves.toEqual({ matches: false, needsRehash: false });
    });
  });

  describe('checkAgainstNothing', () => {
    it('should fail for passwords that normalise to themselves and for those that do not', async () => {
      const failed = { matches: false, needsRehash: false };

      await expect(passwords.checkAgainstNothing('plain ascii password')).resolves.toEqual(failed);
      await expect(passwords.checkAgainstNothing('ｆｕｌｌ ｗｉｄｔｈ')).resolves.toEqual(failed);
    });
  });

  describe('verifyAgainstNothing', () => {
    it('should be false whatever the password', async () => {
      await expect(passwords.verifyAgainstNothing('correct horse battery staple')).resolves.toBe(false);
      await expect(passwords.verifyAgainstNothing('not a password anyone has')).resolves.toBe(false);
    });
  });

  describe('needsRehash', () => {
    it('should be false for a hash made today', async () => {
      expect(passwords.needsRehash(await passwords.hash('correct horse battery staple'))).toBe(false);
    });

    it.each([
      ['a lower memory cost', { algorithm: ARGON2ID, memoryCost: 8192, timeCost: 2, parallelism: 1 }],
      ['a lower time cost', { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 1, parallelism: 1 }],
      ['more lanes', { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 2 }],
      ['argon2i', { algorithm: ARGON2I, memoryCost: 19456, timeCost: 2, parallelism: 1 }],
    ])('should be true for a hash made with %s', async (_label, options) => {
      const stored = await hash('correct horse battery staple', options);

      expect(passwords.needsRehash(stored)).toBe(true);
      await expect(passwords.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
    });

    it('should be true for a hash of another scheme', () => {
      expect(passwords.needsRehash('$2b$12$abcdefghijklmnopqrstuuJ0fKJZ1bPnD4b7q3wA7pN1m0x9Q8dGa')).toBe(true);
    });
  });

  describe('with the hash queue full', () => {
    it('should answer 503 with Retry-After at once instead of waiting', async () => {
      const moduleRef = await Test.createTestingModule({
        providers: [
          PasswordsService,
          {
            provide: AppConfig,
            useValue: loadConfig({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1' }),
          },
        ],
      }).compile();
      const busy = moduleRef.get(PasswordsService);

      const outcomes = await Promise.allSettled([busy.hash('first'), busy.hash('second'), busy.verify('x', 'third')]);

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      const refusal = (outcomes[2] as PromiseRejectedResult).reason as ServiceBusyException;
      expect(refusal).toBeInstanceOf(ServiceBusyException);
      expect([refusal.getStatus(), refusal.retryAfterSeconds]).toEqual([503, HASH_QUEUE_RETRY_AFTER_SECONDS]);
    });
  });
});

import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { AuditStub, createAuditStub } from '../../../test/doubles/audit-stub';
import { AuditService } from '../../audit/audit.service';
import { Role } from '../../common/role';
import { MFA_LIMITS } from '../../throttle/limits';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { MfaChallenge } from './mfa-challenge.entity';
import { MfaChallengesRepository } from './mfa-challenges.repository';
import { MFA_TOKEN_TTL_SECONDS, MfaChallengesService } from './mfa-challenges.service';
import { MfaService } from './mfa.service';

const NOW = new Date('2026-03-01T12:00:00Z');
const CLIENT = { ip: '192.0.2.7', userAgent: 'spec' };
const USER: User = {
  id: '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60',
  email: 'ada@example.org',
  passwordHash: 'hash',
  displayName: null,
  roles: [Role.User],
  disabled: false,
  credentialVersion: 3,
  emailVerifiedAt: null,
  mfaEnabled: true,
  createdAt: NOW,
  updatedAt: NOW,
};

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('MfaChallengesService', () => {
  let stored: MfaChallenge[];
  let repository: { [K in keyof MfaChallengesRepository]: jest.Mock };
  let users: { findById: jest.Mock };
  let mfa: { checkSecondFactor: jest.Mock; recordFailure: jest.Mock };
  let audit: AuditStub;
  let service: MfaChallengesService;

  beforeEach(() => {
    stored = [];
    repository = {
      insert: jest.fn((challenge: MfaChallenge) => Promise.resolve(void stored.push({ ...challenge, createdAt: NOW }))),
      findByTokenHash: jest.fn((hash: string) => Promise.resolve(stored.find((row) => row.tokenHash === hash) ?? null)),
      takeTry: jest.fn(() => Promise.resolve(true)),
      consume: jest.fn(() => Promise.resolve(true)),
      deleteExpired: jest.fn(() => Promise.resolve(0)),
    };
    users = { findById: jest.fn(() => Promise.resolve(USER)) };
    mfa = {
      checkSecondFactor: jest.fn(() => Promise.resolve('totp')),
      recordFailure: jest.fn(() => Promise.resolve()),
    };
    audit = createAuditStub();
    service = new MfaChallengesService(
      repository as unknown as MfaChallengesRepository,
      users as unknown as UsersService,
      mfa as unknown as MfaService,
      audit as unknown as AuditService,
      new FakeClock(NOW),
    );
  });

  describe('issue', () => {
    it('should store only the hash of the token, with the credential version, 5 tries and 5 minutes', async () => {
      const answer = await service.issue(USER, true);

      expect(answer).toEqual({ mfaRequired: true, mfaToken: expect.stringMatching(/^[\w-]{43}$/), expiresIn: 300 });
      expect(stored).toEqual([
        {
          id: expect.any(String),
          tokenHash: sha256(answer.mfaToken),
          userId: USER.id,
          credentialVersion: USER.credentialVersion,
          trustedDevice: true,
          triesLeft: MFA_LIMITS.triesPerToken,
          expiresAt: new Date(NOW.getTime() + MFA_TOKEN_TTL_SECONDS * 1000),
          createdAt: NOW,
        },
      ]);
    });
  });

  describe('redeem', () => {
    it('should answer the user for a right code and use the token up', async () => {
      const { mfaToken } = await service.issue(USER, false);

      await expect(service.redeem({ mfaToken, code: '123456' }, CLIENT)).resolves.toBe(USER);

      expect(mfa.checkSecondFactor).toHaveBeenCalledWith(USER, { mfaToken, code: '123456' }, CLIENT, false);
      expect(repository.consume).toHaveBeenCalledWith(stored[0].id);
      expect(audit.record).toHaveBeenCalledWith('mfa.succeeded', {
        userId: USER.id,
        client: CLIENT,
        details: { factor: 'totp' },
      });
    });

    it('should answer 401 for an unknown token without taking a try', async () => {
      await expect(service.redeem({ mfaToken: 'A'.repeat(43), code: '123456' }, CLIENT)).rejects.toBeInstanceOf(
        UnauthorizedException,
      );

      expect(repository.takeTry).not.toHaveBeenCalled();
      expect(mfa.checkSecondFactor).not.toHaveBeenCalled();
    });

    it.each([
      ['the credentials changed', { credentialVersion: 4 }],
      ['the account was disabled', { disabled: true }],
      ['two-factor was turned off', { mfaEnabled: false }],
    ])('should answer 401 when %s since the login', async (_label, change) => {
      const { mfaToken } = await service.issue(USER, false);
      users.findById.mockResolvedValue({ ...USER, ...change });

      await expect(service.redeem({ mfaToken, code: '123456' }, CLIENT)).rejects.toBeInstanceOf(UnauthorizedException);
      expect(mfa.checkSecondFactor).not.toHaveBeenCalled();
    });

    it('should answer 401 without checking the code when no try is left or the token expired', async () => {
      const { mfaToken } = await service.issue(USER, false);
      repository.takeTry.mockResolvedValue(false);

      await expect(service.redeem({ mfaToken, code: '123456' }, CLIENT)).rejects.toBeInstanceOf(UnauthorizedException);
      expect(mfa.checkSecondFactor).not.toHaveBeenCalled();
    });

    it('should answer 403 for a wrong code, record the kind of factor and keep the token', async () => {
      const { mfaToken } = await service.issue(USER, false);
      mfa.checkSecondFactor.mockResolvedValue(null);

      await expect(service.redeem({ mfaToken, recoveryCode: 'x' }, CLIENT)).rejects.toBeInstanceOf(ForbiddenException);

      expect(mfa.recordFailure).toHaveBeenCalledWith(USER.id, null, CLIENT, 'recovery-code');
      expect(repository.consume).not.toHaveBeenCalled();
    });

    it('should answer 401 to the loser of two right codes racing with one token', async () => {
      const { mfaToken } = await service.issue(USER, false);
      repository.consume.mockResolvedValue(false);

      await expect(service.redeem({ mfaToken, code: '123456' }, CLIENT)).rejects.toBeInstanceOf(UnauthorizedException);
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('should record a used recovery code', async () => {
      const { mfaToken } = await service.issue(USER, false);
      mfa.checkSecondFactor.mockResolvedValue('recovery-code');

      await service.redeem({ mfaToken, recoveryCode: '1a2b3-c4d5e-6f7a8-b9c0d' }, CLIENT);

      expect(audit.record).toHaveBeenCalledWith('mfa.recovery-used', { userId: USER.id, client: CLIENT });
    });
  });
});

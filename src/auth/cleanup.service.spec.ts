import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuditService } from '../audit/audit.service';
import { CleanupService } from './cleanup.service';
import { DeviceTokensService } from './device-tokens/device-tokens.service';
import { MailedTokensService } from './mailed-tokens/mailed-tokens.service';
import { MfaChallengesService } from './mfa/mfa-challenges.service';
import { RevocationsService } from './revocations/revocations.service';
import { SessionsService } from './sessions/sessions.service';

describe('CleanupService', () => {
  let cleanup: CleanupService;
  let sessions: { purgeFinished: jest.Mock<Promise<number>, []> };
  let revocations: { purgeExpired: jest.Mock<Promise<number>, []> };
  let deviceTokens: { purgeExpired: jest.Mock<Promise<number>, []> };
  let mailedTokens: { purgeExpired: jest.Mock<Promise<number>, []> };
  let audit: { purgeExpired: jest.Mock<Promise<number>, []> };
  let mfaChallenges: { purgeExpired: jest.Mock<Promise<number>, []> };
  let logError: jest.SpyInstance;

  beforeEach(async () => {
    sessions = { purgeFinished: jest.fn(() => Promise.resolve(3)) };
    revocations = { purgeExpired: jest.fn(() => Promise.resolve(2)) };
    deviceTokens = { purgeExpired: jest.fn(() => Promise.resolve(1)) };
    mailedTokens = { purgeExpired: jest.fn(() => Promise.resolve(4)) };
    audit = { purgeExpired: jest.fn(() => Promise.resolve(5)) };
    mfaChallenges = { purgeExpired: jest.fn(() => Promise.resolve(4)) };
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({
      providers: [
        CleanupService,
        { provide: SessionsService, useValue: sessions },
        { provide: RevocationsService, useValue: revocations },
        { provide: DeviceTokensService, useValue: deviceTokens },
        { provide: MailedTokensService, useValue: mailedTokens },
        { provide: AuditService, useValue: audit },
        { provide: MfaChallengesService, useValue: mfaChallenges },
      ],
    }).compile();
    cleanup = moduleRef.get(CleanupService);
  });

  afterEach(() => {
    cleanup.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('should purge finished sessions, expired revocations, device, mailed and mfa tokens, and old audit events', async () => {
    await expect(cleanup.run()).resolves.toBeUndefined();

    expect(sessions.purgeFinished).toHaveBeenCalledTimes(1);
    expect(revocations.purgeExpired).toHaveBeenCalledTimes(1);
    expect(deviceTokens.purgeExpired).toHaveBeenCalledTimes(1);
    expect(mailedTokens.purgeExpired).toHaveBeenCalledTimes(1);
    expect(audit.purgeExpired).toHaveBeenCalledTimes(1);
    expect(mfaChallenges.purgeExpired).toHaveBeenCalledTimes(1);
  });

  it('should log a failure and not throw, so the next run still happens', async () => {
    sessions.purgeFinished.mockRejectedValue(new Error('database is locked'));

    await expect(cleanup.run()).resolves.toBeUndefined();

    expect(logError).toHaveBeenCalledTimes(1);
  });

  it('should run every 10 minutes once the app has started, and stop when it shuts down', () => {
    jest.useFakeTimers();
    cleanup.onApplicationBootstrap();

    jest.advanceTimersByTime(10 * 60 * 1000 - 1);
    expect(sessions.purgeFinished).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(sessions.purgeFinished).toHaveBeenCalledTimes(1);

    cleanup.onModuleDestroy();
    jest.advanceTimersByTime(60 * 60 * 1000);
    expect(sessions.purgeFinished).toHaveBeenCalledTimes(1);
  });
});

import { UnauthorizedException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHash } from 'node:crypto';
import { Clock } from '../../common/clock';
import { FakeClock } from '../../common/testing/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { UserChangedEvent } from '../../users/user.events';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { INVALID_REFRESH_TOKEN, SessionsService } from './sessions.service';

const DAY = 86400;
const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const CLIENT = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', ip: '203.0.113.7' };
const STARTED_AT = new Date('2026-03-01T12:00:00Z');

/** The sessions and refresh_tokens tables as arrays, with the repository's conditional updates. */
class InMemorySessions {
  sessions: Session[] = [];
  tokens: RefreshToken[] = [];

  insertSession(session: Session, tokenHash: string): Promise<void> {
    this.sessions.push({ ...session });
    this.addToken(session.id, tokenHash);
    return Promise.resolve();
  }

  findTokenWithSession(tokenHash: string): Promise<RefreshToken | null> {
    const token = this.tokens.find((row) => row.tokenHash === tokenHash);
    const session = token && this.sessions.find((row) => row.id === token.sessionId);
    return Promise.resolve(token ? { ...token, session: session && { ...session } } : null);
  }

  retireToken(id: string, at: Date): Promise<boolean> {
    const token = this.tokens.find((row) => row.id === id && row.retiredAt === null);
    if (token) {
      token.retiredAt = at;
    }
    return Promise.resolve(token !== undefined);
  }

  insertSuccessor(sessionId: string, tokenHash: string, usedAt: Date, idleExpiresAt: Date): Promise<void> {
    this.addToken(sessionId, tokenHash);
    Object.assign(this.session(sessionId), { lastUsedAt: usedAt, idleExpiresAt });
    return Promise.resolve();
  }

  endSession(id: string, at: Date, reason: string): Promise<boolean> {
    const session = this.session(id);
    if (session.endedAt !== null) {
      return Promise.resolve(false);
    }
    Object.assign(session, { endedAt: at, endReason: reason });
    return Promise.resolve(true);
  }

  endSessionsOfUser(userId: string, at: Date, reason: string): Promise<void> {
    this.sessions
      .filter((session) => session.userId === userId && session.endedAt === null)
      .forEach((session) => Object.assign(session, { endedAt: at, endReason: reason }));
    return Promise.resolve();
  }

  session(id: string): Session {
    return this.sessions.find((row) => row.id === id)!;
  }

  private addToken(sessionId: string, tokenHash: string): void {
    this.tokens.push({
      id: `token-${this.tokens.length + 1}`,
      sessionId,
      tokenHash,
      createdAt: new Date(),
      retiredAt: null,
    });
  }
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

describe('SessionsService', () => {
  let service: SessionsService;
  let repository: InMemorySessions;
  let clock: FakeClock;

  beforeEach(async () => {
    repository = new InMemorySessions();
    clock = new FakeClock(STARTED_AT);
    const moduleRef = await Test.createTestingModule({
      providers: [
        SessionsService,
        { provide: SessionsRepository, useValue: repository },
        { provide: AppConfig, useValue: loadConfig({ REFRESH_TOKEN_TTL: '30d', REFRESH_TOKEN_IDLE_TTL: '7d' }) },
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    service = moduleRef.get(SessionsService);
  });

  describe('start', () => {
    it('should give a 43-character base64url token (256 bits)', async () => {
      const { refreshToken } = await service.start(USER_ID, CLIENT);

      expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(refreshToken, 'base64url')).toHaveLength(32);
    });

    it('should store the token only as its SHA-256 hex', async () => {
      const { refreshToken } = await service.start(USER_ID, CLIENT);

      expect(repository.tokens).toEqual([expect.objectContaining({ tokenHash: sha256Hex(refreshToken) })]);
      expect(JSON.stringify({ sessions: repository.sessions, tokens: repository.tokens })).not.toContain(refreshToken);
    });

    it('should store a session with the idle and absolute limits and the client', async () => {
      const issued = await service.start(USER_ID, CLIENT);

      expect(repository.sessions).toEqual([
        {
          id: issued.sessionId,
          userId: USER_ID,
          createdAt: STARTED_AT,
          lastUsedAt: STARTED_AT,
          idleExpiresAt: new Date(STARTED_AT.getTime() + 7 * DAY * 1000),
          expiresAt: new Date(STARTED_AT.getTime() + 30 * DAY * 1000),
          endedAt: null,
          endReason: null,
          userAgent: CLIENT.userAgent,
          ip: CLIENT.ip,
        },
      ]);
      expect(issued).toEqual({
        sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId: USER_ID,
        refreshToken: expect.any(String),
        refreshExpiresIn: 7 * DAY,
      });
    });

    it('should cut a long user agent to 512 characters', async () => {
      await service.start(USER_ID, { userAgent: 'x'.repeat(2000), ip: null });

      expect(repository.sessions[0].userAgent).toHaveLength(512);
      expect(repository.sessions[0].ip).toBeNull();
    });

    it('should give every login its own session and token', async () => {
      const first = await service.start(USER_ID, CLIENT);
      const second = await service.start(USER_ID, CLIENT);

      expect(second.sessionId).not.toBe(first.sessionId);
      expect(second.refreshToken).not.toBe(first.refreshToken);
    });
  });

  describe('rotate', () => {
    it('should exchange a token for a new one in the same session', async () => {
      const started = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(60);

      const rotated = await service.rotate(started.refreshToken);

      expect(rotated).toEqual({
        sessionId: started.sessionId,
        userId: USER_ID,
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        refreshExpiresIn: 7 * DAY,
      });
      expect(rotated.refreshToken).not.toBe(started.refreshToken);
      expect(repository.tokens.map((token) => [token.tokenHash, token.retiredAt])).toEqual([
        [sha256Hex(started.refreshToken), clock.now()],
        [sha256Hex(rotated.refreshToken), null],
      ]);
      expect(repository.session(started.sessionId)).toMatchObject({
        lastUsedAt: clock.now(),
        idleExpiresAt: new Date(clock.now().getTime() + 7 * DAY * 1000),
      });
    });

    it('should reject an unknown token', async () => {
      await service.start(USER_ID, CLIENT);

      await expect(service.rotate('A'.repeat(43))).rejects.toThrow(new UnauthorizedException(INVALID_REFRESH_TOKEN));
    });

    it.each([
      ['an empty string', ''],
      ['too short', 'A'.repeat(42)],
      ['too long', 'A'.repeat(44)],
      ['padded base64', `${'A'.repeat(42)}=`],
      ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
      ['a SQL fragment', "' OR 1=1 --"],
    ])('should reject a malformed token (%s) without looking it up', async (_label, presented) => {
      const lookup = jest.spyOn(repository, 'findTokenWithSession');

      await expect(service.rotate(presented)).rejects.toThrow(new UnauthorizedException(INVALID_REFRESH_TOKEN));
      expect(lookup).not.toHaveBeenCalled();
    });

    it('should end the whole session when a retired token is presented again', async () => {
      const started = await service.start(USER_ID, CLIENT);
      const rotated = await service.rotate(started.refreshToken);
      clock.advanceSeconds(30);

      await expect(service.rotate(started.refreshToken)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
      expect(repository.session(started.sessionId)).toMatchObject({ endedAt: clock.now(), endReason: 'refresh-reuse' });
      await expect(service.rotate(rotated.refreshToken)).rejects.toThrow(INVALID_REFRESH_TOKEN);
    });

    it('should end the session and throw when it loses the race to retire the token', async () => {
      const started = await service.start(USER_ID, CLIENT);
      jest.spyOn(repository, 'retireToken').mockResolvedValue(false);
      const insertSuccessor = jest.spyOn(repository, 'insertSuccessor');

      await expect(service.rotate(started.refreshToken)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
      expect(repository.session(started.sessionId)).toMatchObject({ endReason: 'refresh-reuse' });
      expect(insertSuccessor).not.toHaveBeenCalled();
    });

    it('should let only one of two racing refreshes win', async () => {
      const started = await service.start(USER_ID, CLIENT);

      const results = await Promise.allSettled([
        service.rotate(started.refreshToken),
        service.rotate(started.refreshToken),
      ]);

      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    });

    it('should reject a token of an ended session without ending it again', async () => {
      const started = await service.start(USER_ID, CLIENT);
      await service.end(started.sessionId, 'logout');

      await expect(service.rotate(started.refreshToken)).rejects.toThrow(INVALID_REFRESH_TOKEN);
      expect(repository.session(started.sessionId).endReason).toBe('logout');
    });

    it('should accept a token just before the idle limit', async () => {
      const started = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(7 * DAY - 1);

      await expect(service.rotate(started.refreshToken)).resolves.toMatchObject({ sessionId: started.sessionId });
    });

    it('should reject a token once the session has been idle for REFRESH_TOKEN_IDLE_TTL', async () => {
      const started = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(7 * DAY);

      await expect(service.rotate(started.refreshToken)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
    });

    it('should reject a token once the session is older than REFRESH_TOKEN_TTL, however often it was used', async () => {
      const started = await service.start(USER_ID, CLIENT);
      let token = started.refreshToken;
      for (let day = 6; day < 30; day += 6) {
        clock.advanceSeconds(6 * DAY);
        token = (await service.rotate(token)).refreshToken;
      }
      clock.advanceSeconds(6 * DAY);

      await expect(service.rotate(token)).rejects.toThrow(new UnauthorizedException(INVALID_REFRESH_TOKEN));
    });

    it('should reject a token past the absolute limit even when the stored idle limit is later', async () => {
      const started = await service.start(USER_ID, CLIENT);
      repository.session(started.sessionId).idleExpiresAt = new Date(STARTED_AT.getTime() + 90 * DAY * 1000);
      clock.advanceSeconds(30 * DAY);

      await expect(service.rotate(started.refreshToken)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
    });

    it('should give the nearer of the idle and the absolute limit as refreshExpiresIn', async () => {
      const started = await service.start(USER_ID, CLIENT);
      const expiresIn: number[] = [started.refreshExpiresIn];
      let token = started.refreshToken;
      // Refresh on days 6, 12, 18, 24 and 29 of a 30-day session with a 7-day idle limit.
      for (const days of [6, 6, 6, 6, 5]) {
        clock.advanceSeconds(days * DAY);
        const rotated = await service.rotate(token);
        expiresIn.push(rotated.refreshExpiresIn);
        token = rotated.refreshToken;
      }

      expect(expiresIn).toEqual([7 * DAY, 7 * DAY, 7 * DAY, 7 * DAY, 6 * DAY, 1 * DAY]);
      expect(repository.session(started.sessionId).idleExpiresAt).toEqual(
        new Date(STARTED_AT.getTime() + 30 * DAY * 1000),
      );
    });
  });

  describe('ending sessions', () => {
    it('should end one session at the clock time with the reason', async () => {
      const first = await service.start(USER_ID, CLIENT);
      const second = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(10);

      await service.end(first.sessionId, 'logout');

      expect(repository.session(first.sessionId)).toMatchObject({ endedAt: clock.now(), endReason: 'logout' });
      expect(repository.session(second.sessionId).endedAt).toBeNull();
    });

    it.each([
      ['onRolesChanged', 'roles-changed'],
      ['onDisabled', 'disabled'],
      ['onDeleted', 'user-deleted'],
    ] as const)('should end every session of the user on %s with reason %s', async (handler, reason) => {
      const first = await service.start(USER_ID, CLIENT);
      const second = await service.start(USER_ID, CLIENT);
      const other = await service.start('0d7c9e1f-3a2b-4c5d-8e6f-7a8b9c0d1e2f', CLIENT);

      await service[handler](new UserChangedEvent(USER_ID));

      expect(repository.session(first.sessionId).endReason).toBe(reason);
      expect(repository.session(second.sessionId).endReason).toBe(reason);
      expect(repository.session(other.sessionId).endedAt).toBeNull();
      await expect(service.rotate(first.refreshToken)).rejects.toThrow(INVALID_REFRESH_TOKEN);
    });
  });
});

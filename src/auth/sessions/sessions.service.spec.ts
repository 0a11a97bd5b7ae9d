import { NotFoundException, UnauthorizedException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { AuditEventType } from '../../audit/audit-event-type';
import { AuditService } from '../../audit/audit.service';
import { AuditStub, createAuditStub } from '../../../test/doubles/audit-stub';
import { Clock } from '../../common/clock';
import { clientInfo } from '../../common/http/client-info';
import { FakeClock } from '../../../test/doubles/fake-clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { RedisService } from '../../redis/redis.service';
import { UserChangedEvent } from '../../users/user.events';
import { RevocationsRepository } from '../revocations/revocations.repository';
import { RevocationsService } from '../revocations/revocations.service';
import { InMemoryRevocations } from '../../../test/doubles/in-memory-revocations';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';
import { SessionsRepository, TokenRotation } from './sessions.repository';
import { INVALID_REFRESH_TOKEN, SessionsService } from './sessions.service';
import { Metrics } from '../../metrics/metrics';

const DAY = 86400;
const USER_ID = '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60';
const OTHER_USER_ID = '0d7c9e1f-3a2b-4c5d-8e6f-7a8b9c0d1e2f';
/** ACCESS_TOKEN_TTL (15m) plus JWT_CLOCK_TOLERANCE (1s): how long an ended session's tokens could still live. */
const REVOCATION_WINDOW_SECONDS = 15 * 60 + 1;
const CLIENT = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', ip: '203.0.113.7' };
const STARTED_AT = new Date('2026-03-01T12:00:00Z');
/** The default REFRESH_TOKEN_REUSE_INTERVAL. */
const REUSE_INTERVAL_SECONDS = 10;

/** The sessions and refresh_tokens tables as arrays, with the repository's filtering and conditional updates. */
class InMemorySessions implements Pick<SessionsRepository, keyof SessionsRepository> {
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

  rotateToken(rotation: TokenRotation): Promise<boolean> {
    this.tokens
      .filter((row) => row.sessionId === rotation.sessionId && row.id !== rotation.tokenId)
      .forEach((row) => (row.successorSealed = null));
    const token = this.tokens.find((row) => row.id === rotation.tokenId && row.retiredAt === null);
    if (!token) {
      return Promise.resolve(false);
    }
    Object.assign(token, { retiredAt: rotation.at, successorSealed: rotation.successorSealed });
    this.addToken(rotation.sessionId, rotation.successorHash);
    Object.assign(this.session(rotation.sessionId), { lastUsedAt: rotation.at, idleExpiresAt: rotation.idleExpiresAt });
    return Promise.resolve(true);
  }

  findLiveOfUser(userId: string, now: Date): Promise<Session[]> {
    const live = this.sessions.filter(
      (row) => row.userId === userId && row.endedAt === null && row.idleExpiresAt > now && row.expiresAt > now,
    );
    return Promise.resolve(
      live.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((row) => ({ ...row })),
    );
  }

  endSessions(ids: string[], at: Date, reason: string): Promise<string[]> {
    const running = this.sessions.filter((row) => ids.includes(row.id) && row.endedAt === null);
    running.forEach((row) => Object.assign(row, { endedAt: at, endReason: reason }));
    return Promise.resolve(running.map((row) => row.id));
  }

  findUnendedIdsOfUser(userId: string): Promise<string[]> {
    return Promise.resolve(
      this.sessions.filter((row) => row.userId === userId && row.endedAt === null).map((row) => row.id),
    );
  }

  deleteFinished(now: Date, endedBefore: Date): Promise<number> {
    const finished = (row: Session): boolean =>
      row.expiresAt <= now || row.idleExpiresAt <= now || (row.endedAt !== null && row.endedAt <= endedBefore);
    const kept = this.sessions.filter((row) => !finished(row));
    const deleted = this.sessions.length - kept.length;
    this.sessions = kept;
    this.tokens = this.tokens.filter((token) => kept.some((row) => row.id === token.sessionId));
    return Promise.resolve(deleted);
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
      successorSealed: null,
    });
  }
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

describe('SessionsService', () => {
  let service: SessionsService;
  let repository: InMemorySessions;
  let revocationRows: InMemoryRevocations;
  let revocations: RevocationsService;
  let audit: AuditStub;
  let clock: FakeClock;
  let config: AppConfig;

  /** Whether an access token of this session, issued now, would be refused. */
  const isRevoked = (sessionId: string, userId = USER_ID, iat = clock.nowSeconds()): boolean =>
    revocations.isRevoked({ sub: userId, sid: sessionId, iat });

  beforeEach(async () => {
    repository = new InMemorySessions();
    revocationRows = new InMemoryRevocations();
    audit = createAuditStub();
    clock = new FakeClock(STARTED_AT);
    const moduleRef = await Test.createTestingModule({
      providers: [
        SessionsService,
        Metrics,
        RevocationsService,
        RedisService,
        { provide: SessionsRepository, useValue: repository },
        { provide: RevocationsRepository, useValue: revocationRows },
        { provide: AuditService, useValue: audit },
        { provide: AppConfig, useValue: loadConfig({ REFRESH_TOKEN_TTL: '30d', REFRESH_TOKEN_IDLE_TTL: '7d' }) },
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    service = moduleRef.get(SessionsService);
    revocations = moduleRef.get(RevocationsService);
    config = moduleRef.get(AppConfig);
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
          amr: ['pwd'],
        },
      ]);
      expect(issued).toEqual({
        sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId: USER_ID,
        refreshToken: expect.any(String),
        refreshExpiresIn: 7 * DAY,
        amr: ['pwd'],
      });
    });

    it('should cut a long user agent to 512 characters', async () => {
      const request = { headers: { 'user-agent': 'x'.repeat(2000) } } as unknown as FastifyRequest;

      await service.start(USER_ID, clientInfo(request));

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

      const rotated = await service.rotate(started.refreshToken, CLIENT);

      expect(rotated).toEqual({
        sessionId: started.sessionId,
        userId: USER_ID,
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        refreshExpiresIn: 7 * DAY,
        amr: ['pwd'],
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

      await expect(service.rotate('A'.repeat(43), CLIENT)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
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

      await expect(service.rotate(presented, CLIENT)).rejects.toThrow(new UnauthorizedException(INVALID_REFRESH_TOKEN));
      expect(lookup).not.toHaveBeenCalled();
    });

    it('should end the whole session when a retired token is presented again', async () => {
      const started = await service.start(USER_ID, CLIENT);
      const rotated = await service.rotate(started.refreshToken, CLIENT);
      clock.advanceSeconds(30);

      await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
      expect(repository.session(started.sessionId)).toMatchObject({ endedAt: clock.now(), endReason: 'refresh-reuse' });
      await expect(service.rotate(rotated.refreshToken, CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);
    });

    it('should revoke the access tokens of the session and record an audit event on reuse', async () => {
      const started = await service.start(USER_ID, CLIENT);
      const other = await service.start(USER_ID, CLIENT);
      await service.rotate(started.refreshToken, CLIENT);
      clock.advanceSeconds(REUSE_INTERVAL_SECONDS);
      const replayer = { userAgent: 'python-requests/2.32', ip: '198.51.100.23' };

      await expect(service.rotate(started.refreshToken, replayer)).rejects.toThrow(INVALID_REFRESH_TOKEN);

      expect(isRevoked(started.sessionId)).toBe(true);
      expect(isRevoked(other.sessionId)).toBe(false);
      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith(AuditEventType.RefreshReuseDetected, {
        userId: USER_ID,
        sessionId: started.sessionId,
        client: replayer,
      });
    });

    it('should record no audit event for an ordinary refresh or an unknown token', async () => {
      const started = await service.start(USER_ID, CLIENT);
      await service.rotate(started.refreshToken, CLIENT);
      await expect(service.rotate('A'.repeat(43), CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);

      expect(audit.record).not.toHaveBeenCalled();
      expect(isRevoked(started.sessionId)).toBe(false);
    });

    it('should end the session and throw when the token cannot be retired and has no successor', async () => {
      const started = await service.start(USER_ID, CLIENT);
      jest.spyOn(repository, 'rotateToken').mockResolvedValue(false);

      await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
      expect(repository.session(started.sessionId)).toMatchObject({ endReason: 'refresh-reuse' });
      expect(repository.tokens).toHaveLength(1);
      expect(isRevoked(started.sessionId)).toBe(true);
      expect(audit.record).toHaveBeenCalledWith(AuditEventType.RefreshReuseDetected, expect.anything());
    });

    it('should give both of two racing refreshes the same successor', async () => {
      const started = await service.start(USER_ID, CLIENT);

      const [first, second] = await Promise.all([
        service.rotate(started.refreshToken, CLIENT),
        service.rotate(started.refreshToken, CLIENT),
      ]);

      expect(second).toEqual(first);
      expect(repository.tokens.filter((token) => token.retiredAt === null)).toHaveLength(1);
      expect(repository.session(started.sessionId).endedAt).toBeNull();
    });

    describe('REFRESH_TOKEN_REUSE_INTERVAL', () => {
      it('should give a retry within the interval the same successor and the session', async () => {
        const started = await service.start(USER_ID, CLIENT);
        const rotated = await service.rotate(started.refreshToken, CLIENT);
        clock.advanceSeconds(REUSE_INTERVAL_SECONDS - 1);

        await expect(service.rotate(started.refreshToken, CLIENT)).resolves.toEqual({
          ...rotated,
          refreshExpiresIn: rotated.refreshExpiresIn - (REUSE_INTERVAL_SECONDS - 1),
        });
        expect(repository.tokens).toHaveLength(2);
        expect(audit.record).not.toHaveBeenCalled();
        await expect(service.rotate(rotated.refreshToken, CLIENT)).resolves.toMatchObject({
          sessionId: started.sessionId,
        });
      });

      it('should keep the successor only sealed, never in clear', async () => {
        const started = await service.start(USER_ID, CLIENT);
        const rotated = await service.rotate(started.refreshToken, CLIENT);

        expect(repository.tokens[0].successorSealed).toEqual(expect.any(String));
        expect(JSON.stringify(repository.tokens)).not.toContain(rotated.refreshToken);
      });

      it('should treat the retired token as reuse once the interval has passed', async () => {
        const started = await service.start(USER_ID, CLIENT);
        await service.rotate(started.refreshToken, CLIENT);
        clock.advanceSeconds(REUSE_INTERVAL_SECONDS);

        await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);
        expect(repository.session(started.sessionId).endReason).toBe('refresh-reuse');
      });

      it('should treat the retired token as reuse once its successor has been used', async () => {
        const started = await service.start(USER_ID, CLIENT);
        const rotated = await service.rotate(started.refreshToken, CLIENT);
        await service.rotate(rotated.refreshToken, CLIENT);

        await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);
        expect(repository.session(started.sessionId).endReason).toBe('refresh-reuse');
        expect(repository.tokens.map((token) => token.successorSealed !== null)).toEqual([false, true, false]);
      });

      it('should be strict with 0: a retired token is reuse at once', async () => {
        config.refreshToken.reuseIntervalSeconds = 0;
        const started = await service.start(USER_ID, CLIENT);
        await service.rotate(started.refreshToken, CLIENT);

        await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);
        expect(repository.tokens[0].successorSealed).toBeNull();
        expect(repository.session(started.sessionId).endReason).toBe('refresh-reuse');
      });
    });

    it('should reject a token of an ended session without ending it again', async () => {
      const started = await service.start(USER_ID, CLIENT);
      await service.end(started.sessionId, 'logout');

      await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);
      expect(repository.session(started.sessionId).endReason).toBe('logout');
    });

    it('should accept a token just before the idle limit', async () => {
      const started = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(7 * DAY - 1);

      await expect(service.rotate(started.refreshToken, CLIENT)).resolves.toMatchObject({
        sessionId: started.sessionId,
      });
    });

    it('should reject a token once the session has been idle for REFRESH_TOKEN_IDLE_TTL', async () => {
      const started = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(7 * DAY);

      await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(
        new UnauthorizedException(INVALID_REFRESH_TOKEN),
      );
    });

    it('should reject a token once the session is older than REFRESH_TOKEN_TTL, however often it was used', async () => {
      const started = await service.start(USER_ID, CLIENT);
      let token = started.refreshToken;
      for (let day = 6; day < 30; day += 6) {
        clock.advanceSeconds(6 * DAY);
        token = (await service.rotate(token, CLIENT)).refreshToken;
      }
      clock.advanceSeconds(6 * DAY);

      await expect(service.rotate(token, CLIENT)).rejects.toThrow(new UnauthorizedException(INVALID_REFRESH_TOKEN));
    });

    it('should reject a token past the absolute limit even when the stored idle limit is later', async () => {
      const started = await service.start(USER_ID, CLIENT);
      repository.session(started.sessionId).idleExpiresAt = new Date(STARTED_AT.getTime() + 90 * DAY * 1000);
      clock.advanceSeconds(30 * DAY);

      await expect(service.rotate(started.refreshToken, CLIENT)).rejects.toThrow(
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
        const rotated = await service.rotate(token, CLIENT);
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
      expect(isRevoked(first.sessionId)).toBe(true);
      expect(isRevoked(second.sessionId)).toBe(false);
    });

    it('should write the revocation before the session row changes, and change nothing when it fails', async () => {
      const started = await service.start(USER_ID, CLIENT);
      jest.spyOn(revocationRows, 'save').mockRejectedValue(new Error('database is locked'));

      await expect(service.end(started.sessionId, 'logout')).rejects.toThrow('database is locked');
      expect(repository.session(started.sessionId).endedAt).toBeNull();
      expect(isRevoked(started.sessionId)).toBe(false);
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
      await expect(service.rotate(first.refreshToken, CLIENT)).rejects.toThrow(INVALID_REFRESH_TOKEN);
      expect(isRevoked(first.sessionId)).toBe(true);
      expect(isRevoked(second.sessionId)).toBe(true);
      expect(isRevoked(other.sessionId, OTHER_USER_ID)).toBe(false);
    });
  });

  it('should refuse, on onDeleted, every token of the user, even one minted later under a fresh sid', async () => {
    await service.start(USER_ID, CLIENT);

    await service.onDeleted(new UserChangedEvent(USER_ID));
    clock.advanceSeconds(60);

    expect(isRevoked(randomUUID())).toBe(true);
    expect(isRevoked(randomUUID(), OTHER_USER_ID)).toBe(false);
  });

  describe('endAllOfUser', () => {
    it('should cut off the user and revoke every session that has not ended, expired ones included', async () => {
      const expired = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(8 * DAY);
      const live = await service.start(USER_ID, CLIENT);
      const other = await service.start(OTHER_USER_ID, CLIENT);
      const issuedAt = clock.nowSeconds();
      clock.advanceSeconds(1);

      await service.endAllOfUser(USER_ID, 'logout-all');

      expect(repository.session(expired.sessionId)).toMatchObject({ endedAt: clock.now(), endReason: 'logout-all' });
      expect(repository.session(live.sessionId)).toMatchObject({ endedAt: clock.now(), endReason: 'logout-all' });
      expect(repository.session(other.sessionId).endedAt).toBeNull();
      expect(revocationRows.rows.map((row) => [row.kind, row.targetId]).sort()).toEqual(
        [
          ['session', expired.sessionId],
          ['session', live.sessionId],
          ['user', USER_ID],
        ].sort(),
      );
      // A token of a session nobody knew about yet (a login racing the call) is stopped by the user cut-off.
      expect(isRevoked('e1e2c3d4-0000-4000-8000-00000000000e', USER_ID, issuedAt)).toBe(true);
      expect(isRevoked(other.sessionId, OTHER_USER_ID, issuedAt)).toBe(false);
    });

    it('should let a session started after the call work', async () => {
      await service.start(USER_ID, CLIENT);
      await service.endAllOfUser(USER_ID, 'password-changed');

      const fresh = await service.start(USER_ID, CLIENT);

      expect(isRevoked(fresh.sessionId)).toBe(false);
      await expect(service.rotate(fresh.refreshToken, CLIENT)).resolves.toMatchObject({ sessionId: fresh.sessionId });
    });

    it('should not end an already ended session again', async () => {
      const ended = await service.start(USER_ID, CLIENT);
      await service.end(ended.sessionId, 'logout');
      const endedAt = clock.now();
      clock.advanceSeconds(60);

      await service.endAllOfUser(USER_ID, 'logout-all');

      expect(repository.session(ended.sessionId)).toMatchObject({ endedAt, endReason: 'logout' });
    });
  });

  describe('list', () => {
    it('should list only the live sessions of the user, newest first, marking the current one', async () => {
      const idle = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(3 * DAY);
      const ended = await service.start(USER_ID, CLIENT);
      await service.end(ended.sessionId, 'logout');
      const older = await service.start(USER_ID, { userAgent: 'curl/8.5.0', ip: '198.51.100.4' });
      await service.start(OTHER_USER_ID, CLIENT);
      clock.advanceSeconds(60);
      const current = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(4 * DAY);

      const sessions = await service.list(USER_ID, current.sessionId);

      expect(sessions.map((session) => session.id)).toEqual([current.sessionId, older.sessionId]);
      expect(sessions.map((session) => session.current)).toEqual([true, false]);
      expect(sessions.map((session) => session.id)).not.toContain(idle.sessionId);
      expect(sessions[1]).toEqual({
        id: older.sessionId,
        createdAt: new Date(STARTED_AT.getTime() + 3 * DAY * 1000),
        lastUsedAt: new Date(STARTED_AT.getTime() + 3 * DAY * 1000),
        expiresAt: new Date(STARTED_AT.getTime() + 10 * DAY * 1000),
        userAgent: 'curl/8.5.0',
        ip: '198.51.100.4',
        current: false,
      });
    });

    it('should give the absolute limit as expiresAt once it is nearer than the idle limit', async () => {
      const started = await service.start(USER_ID, CLIENT);
      let token = started.refreshToken;
      for (let day = 6; day <= 24; day += 6) {
        clock.advanceSeconds(6 * DAY);
        token = (await service.rotate(token, CLIENT)).refreshToken;
      }

      const [session] = await service.list(USER_ID, started.sessionId);

      expect(session).toMatchObject({
        lastUsedAt: new Date(STARTED_AT.getTime() + 24 * DAY * 1000),
        expiresAt: new Date(STARTED_AT.getTime() + 30 * DAY * 1000),
        current: true,
      });
    });

    it('should answer an empty list for a user without sessions', async () => {
      await expect(service.list(USER_ID, 'f1e2c3d4-0000-4000-8000-00000000000f')).resolves.toEqual([]);
    });
  });

  describe('endOwn', () => {
    it('should end and revoke one of the caller’s live sessions', async () => {
      const phone = await service.start(USER_ID, CLIENT);
      const laptop = await service.start(USER_ID, CLIENT);

      await expect(service.endOwn(USER_ID, phone.sessionId, 'revoked-by-user')).resolves.toBeUndefined();

      expect(repository.session(phone.sessionId)).toMatchObject({ endedAt: clock.now(), endReason: 'revoked-by-user' });
      expect(repository.session(laptop.sessionId).endedAt).toBeNull();
      expect(isRevoked(phone.sessionId)).toBe(true);
      expect(isRevoked(laptop.sessionId)).toBe(false);
    });

    it('should answer 404 for another user’s session and leave it running', async () => {
      const theirs = await service.start(OTHER_USER_ID, CLIENT);

      await expect(service.endOwn(USER_ID, theirs.sessionId, 'revoked-by-user')).rejects.toThrow(NotFoundException);
      expect(repository.session(theirs.sessionId).endedAt).toBeNull();
      expect(isRevoked(theirs.sessionId, OTHER_USER_ID)).toBe(false);
    });

    it('should answer 404 for a session that has already ended, keeping its end reason', async () => {
      const ended = await service.start(USER_ID, CLIENT);
      await service.end(ended.sessionId, 'logout');

      await expect(service.endOwn(USER_ID, ended.sessionId, 'revoked-by-user')).rejects.toThrow(NotFoundException);
      expect(repository.session(ended.sessionId).endReason).toBe('logout');
    });

    it('should answer 404 for an unknown session id without revoking anything', async () => {
      await service.start(USER_ID, CLIENT);

      await expect(service.endOwn(USER_ID, 'f1e2c3d4-0000-4000-8000-00000000000f', 'revoked-by-user')).rejects.toThrow(
        NotFoundException,
      );
      expect(revocationRows.rows).toEqual([]);
    });
  });

  describe('purgeFinished', () => {
    it('should delete sessions past their limits and those ended more than access TTL + tolerance ago', async () => {
      const deleteFinished = jest.spyOn(repository, 'deleteFinished');
      const idle = await service.start(USER_ID, CLIENT);
      clock.advanceSeconds(7 * DAY);
      const endedLongAgo = await service.start(USER_ID, CLIENT);
      await service.end(endedLongAgo.sessionId, 'logout');
      clock.advanceSeconds(REVOCATION_WINDOW_SECONDS);
      const endedJustNow = await service.start(USER_ID, CLIENT);
      await service.end(endedJustNow.sessionId, 'logout');
      const live = await service.start(USER_ID, CLIENT);

      await expect(service.purgeFinished()).resolves.toBe(2);

      expect(deleteFinished).toHaveBeenCalledWith(
        clock.now(),
        new Date(clock.now().getTime() - REVOCATION_WINDOW_SECONDS * 1000),
      );
      expect(repository.sessions.map((session) => session.id).sort()).toEqual(
        [endedJustNow.sessionId, live.sessionId].sort(),
      );
      expect(repository.sessions.map((session) => session.id)).not.toContain(idle.sessionId);
    });

    it('should measure the window with the configured access TTL and clock tolerance', async () => {
      const moduleRef = await Test.createTestingModule({
        providers: [
          SessionsService,
          Metrics,
          { provide: SessionsRepository, useValue: repository },
          { provide: RevocationsService, useValue: revocations },
          { provide: AuditService, useValue: audit },
          { provide: AppConfig, useValue: loadConfig({ ACCESS_TOKEN_TTL: '5m', JWT_CLOCK_TOLERANCE: '30s' }) },
          { provide: Clock, useValue: clock },
        ],
      }).compile();
      const deleteFinished = jest.spyOn(repository, 'deleteFinished');

      await moduleRef.get(SessionsService).purgeFinished();

      expect(deleteFinished).toHaveBeenCalledWith(clock.now(), new Date(clock.now().getTime() - 330 * 1000));
    });
  });
});

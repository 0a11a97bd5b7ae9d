import { Session } from './session.entity';

export class SessionResponseDto {
  /** The `sid` of the session's access tokens. */
  id: string;
  createdAt: Date;
  /** The last login or refresh. */
  lastUsedAt: Date;
  /** When the session ends unless it is refreshed: the nearer of the idle and the absolute limit. */
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  /** True for the session of the access token making this request. */
  current: boolean;
}

export function toSessionResponse(session: Session, currentSessionId: string): SessionResponseDto {
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastUsedAt: session.lastUsedAt,
    expiresAt: session.idleExpiresAt < session.expiresAt ? session.idleExpiresAt : session.expiresAt,
    userAgent: session.userAgent,
    ip: session.ip,
    current: session.id === currentSessionId,
  };
}

import { AuditEvent } from '../audit/audit-event.entity';
import { DeviceToken } from '../auth/device-tokens/device-token.entity';
import { MailedToken } from '../auth/mailed-tokens/mailed-token.entity';
import { MfaChallenge } from '../auth/mfa/mfa-challenge.entity';
import { RecoveryCode } from '../auth/mfa/recovery-code.entity';
import { TotpFactor } from '../auth/mfa/totp-factor.entity';
import { SigningKey } from '../auth/keys/signing-key.entity';
import { Revocation } from '../auth/revocations/revocation.entity';
import { RefreshToken } from '../auth/sessions/refresh-token.entity';
import { Session } from '../auth/sessions/session.entity';
import { User } from '../users/user.entity';

export const ENTITIES = [
  User,
  Session,
  RefreshToken,
  SigningKey,
  Revocation,
  AuditEvent,
  DeviceToken,
  TotpFactor,
  RecoveryCode,
  MfaChallenge,
  MailedToken,
];

// Written by `npm run migration:generate` (scripts/migration.mjs): every migration of this folder, oldest first.
import { Initial1795891742157 } from './1795891742157-Initial';
import { SessionsRevocationsAudit1795893222232 } from './1795893222232-SessionsRevocationsAudit';
import { PostgresTypes1795894481602 } from './1795894481602-PostgresTypes';
import { RefreshTokenSuccessor1796188620507 } from './1796188620507-RefreshTokenSuccessor';
import { CredentialVersion1796188711792 } from './1796188711792-CredentialVersion';
import { DeviceTokens1796188926677 } from './1796188926677-DeviceTokens';
import { SigningKeyNext1796190003664 } from './1796190003664-SigningKeyNext';
import { TwoFactor1796219485114 } from './1796219485114-TwoFactor';
import { MailedTokens1796219632334 } from './1796219632334-MailedTokens';

export const SQLITE_MIGRATIONS = [
  Initial1795891742157,
  SessionsRevocationsAudit1795893222232,
  PostgresTypes1795894481602,
  RefreshTokenSuccessor1796188620507,
  CredentialVersion1796188711792,
  DeviceTokens1796188926677,
  SigningKeyNext1796190003664,
  TwoFactor1796219485114,
  MailedTokens1796219632334,
];

// Written by `npm run migration:generate` (scripts/migration.mjs): every migration of this folder, oldest first.
import { Initial1795891742157 } from './1795891742157-Initial';
import { SessionsRevocationsAudit1795893222232 } from './1795893222232-SessionsRevocationsAudit';
import { PostgresTypes1795894481602 } from './1795894481602-PostgresTypes';
import { CredentialVersion1796188711792 } from './1796188711792-CredentialVersion';
import { DeviceTokens1796188926677 } from './1796188926677-DeviceTokens';

export const SQLITE_MIGRATIONS = [
  Initial1795891742157,
  SessionsRevocationsAudit1795893222232,
  PostgresTypes1795894481602,
  CredentialVersion1796188711792,
  DeviceTokens1796188926677,
];

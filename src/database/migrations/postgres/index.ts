// Written by `npm run migration:generate` (scripts/migration.mjs): every migration of this folder, oldest first.
import { Initial1795891743588 } from './1795891743588-Initial';
import { SessionsRevocationsAudit1795893224088 } from './1795893224088-SessionsRevocationsAudit';
import { PostgresTypes1795894483467 } from './1795894483467-PostgresTypes';
import { RefreshTokenSuccessor1796188626940 } from './1796188626940-RefreshTokenSuccessor';
import { CredentialVersion1796188715272 } from './1796188715272-CredentialVersion';
import { DeviceTokens1796188929734 } from './1796188929734-DeviceTokens';
import { SigningKeyNext1796190005681 } from './1796190005681-SigningKeyNext';
import { TwoFactor1796219487636 } from './1796219487636-TwoFactor';
import { MailedTokens1796219633538 } from './1796219633538-MailedTokens';

export const POSTGRES_MIGRATIONS = [
  Initial1795891743588,
  SessionsRevocationsAudit1795893224088,
  PostgresTypes1795894483467,
  RefreshTokenSuccessor1796188626940,
  CredentialVersion1796188715272,
  DeviceTokens1796188929734,
  SigningKeyNext1796190005681,
  TwoFactor1796219487636,
  MailedTokens1796219633538,
];

/** The security events the audit log records. */
export enum AuditEventType {
  LoginSucceeded = 'login.succeeded',
  LoginFailed = 'login.failed',
  RefreshReuseDetected = 'refresh.reuse-detected',
  Logout = 'logout',
  LogoutAll = 'logout-all',
  PasswordChanged = 'password.changed',
  SessionRevoked = 'session.revoked',
  RolesChanged = 'user.roles-changed',
  UserDisabled = 'user.disabled',
  UserDeleted = 'user.deleted',
  KeyRotated = 'key.rotated',
  KeyRevoked = 'key.revoked',
}

import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import { Role } from '../common/role';
import { passwordProblem } from '../passwords/password-policy';
import { AdminBootstrap } from '../users/admin-bootstrap';
import { emailArgument, normaliseEmail, runCommand, VIA_CLI } from './command';
import { CommandError } from './command-error';
import { readNewPassword } from './read-password';

const USAGE = 'usage: npm run users:create-admin -- <email>   (the password from BASTION_PASSWORD, or typed)';

/**
 * `users:create-admin <email>`: creates an admin account, or makes the existing account with this email an admin
 * when the password given is its password, as the ADMIN_EMAIL bootstrap does; a disabled account stays disabled.
 */
runCommand('users:create-admin', async (boot) => {
  const email = normaliseEmail(emailArgument(USAGE));
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new CommandError(`${email} is not an email address`);
  }
  const password = await readNewPassword();
  const refused = passwordProblem(password, email);
  if (refused) {
    throw new CommandError(`the password ${refused}; nothing was changed`);
  }
  const app = await boot();
  const admin = await app.get(AdminBootstrap).ensureAdmin(email, password);
  const audit = app.get(AuditService);
  const details = { ...VIA_CLI, roles: [Role.Admin, Role.User] };
  switch (admin.outcome) {
    case 'wrong-password':
      throw new CommandError(
        `an account with the email ${email} exists and this is not its password; nothing was changed`,
      );
    case 'already-admin':
      return `${email} is already an admin; nothing was changed.${disabledNote(admin.disabled)}`;
    case 'created':
      await audit.record(AuditEventType.AdminCreated, { userId: admin.userId, details });
      return `Created the admin account ${email}.`;
    case 'promoted':
      await audit.record(AuditEventType.RolesChanged, { userId: admin.userId, details });
      return `Made ${email} an admin; the next login or refresh carries the role.${disabledNote(admin.disabled)}`;
  }
});

function disabledNote(disabled: boolean): string {
  return disabled ? ' The account is disabled and stays so; an admin can enable it (PATCH /api/v1/users/:id).' : '';
}

import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import { MailedTokenPurpose } from '../auth/mailed-tokens/mailed-token.entity';
import { MailedTokensService } from '../auth/mailed-tokens/mailed-tokens.service';
import { SessionsService } from '../auth/sessions/sessions.service';
import { passwordProblem } from '../passwords/password-policy';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersService } from '../users/users.service';
import { emailArgument, findUser, normaliseEmail, runCommand, VIA_CLI } from './command';
import { CommandError } from './command-error';
import { readNewPassword } from './read-password';

const USAGE = 'usage: npm run users:set-password -- <email>   (the password from BASTION_PASSWORD, or typed)';

/**
 * `users:set-password <email>`: sets a new password the way a reset does. The credential version rises and every
 * session ends through the revocation set, so the old password and every token stop working on every instance at
 * once.
 */
runCommand('users:set-password', async (boot) => {
  const email = emailArgument(USAGE);
  const password = await readNewPassword();
  const refused = passwordProblem(password, normaliseEmail(email));
  if (refused) {
    throw new CommandError(`the password ${refused}; nothing was changed`);
  }
  const app = await boot();
  const user = await findUser(app, email);
  const passwordHash = await app.get(PasswordsService).hash(password);
  if (!(await app.get(UsersService).setPasswordHash(user, passwordHash))) {
    throw new CommandError(
      `${user.email} changed while this ran (a password change, disabling or deletion); run it again`,
    );
  }
  await app.get(SessionsService).endAllOfUser(user.id, 'password-changed');
  // A reset link mailed before the change must not undo it.
  await app.get(MailedTokensService).retireAll(user.id, MailedTokenPurpose.PasswordReset);
  await app.get(AuditService).record(AuditEventType.PasswordChanged, { userId: user.id, details: VIA_CLI });
  return `Set a new password for ${user.email} and ended every session of the account.`;
});

import { INestApplicationContext } from '@nestjs/common';
import { AuditEventType } from '../audit/audit-event-type';
import { NewPasswordService } from '../auth/password-change/new-password.service';
import { LoginThrottle } from '../auth/throttle/login-throttle';
import { AppConfig } from '../config/app-config';
import { passwordProblem } from '../passwords/password-policy';
import { PasswordsService } from '../passwords/passwords.service';
import { emailArgument, findUser, normaliseEmail, noticeOutcome, redisReady, runCommand, VIA_CLI } from './command';
import { CommandError } from './command-error';
import { readNewPassword } from './read-password';

const USAGE = 'usage: npm run users:set-password -- <email>   (the password from BASTION_PASSWORD, or typed)';

/**
 * `users:set-password <email>`: sets a new password the way a reset does. The credential version rises and every
 * session ends through the revocation set, so the old password and every token stop working on every instance at
 * once. Its owner is told by mail and, where the counts are in Redis, its failed logins are forgotten.
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
  const applied = await app.get(NewPasswordService).apply(user, passwordHash, {
    by: 'operator',
    sessionEndReason: 'password-changed',
    audit: { type: AuditEventType.PasswordChanged, context: { details: VIA_CLI } },
  });
  if (!applied) {
    throw new CommandError(
      `${user.email} changed while this ran (a password change, disabling or deletion); run it again`,
    );
  }
  return [
    `Set a new password for ${user.email} and ended every session of the account.`,
    noticeOutcome(app),
    await forgetFailedLogins(app, user.email),
  ].join(' ');
});

/**
 * The operator's reason to set a password is often an owner held back by failed logins. Those counts are in Redis
 * when the service uses it; without it they live in the service's own memory, which this process cannot reach.
 */
async function forgetFailedLogins(app: INestApplicationContext, email: string): Promise<string> {
  if (app.get(AppConfig).redisUrl === null) {
    return "Failed logins are counted in the service's memory (no REDIS_URL): any delay they cause runs out by itself.";
  }
  if (!(await redisReady(app))) {
    return 'Redis did not answer, so the failed logins against the account were not forgotten.';
  }
  await app.get(LoginThrottle).forgetAccount(email, null);
  return 'The failed logins against the account were forgotten.';
}

import { MfaService } from '../auth/mfa/mfa.service';
import { emailArgument, findUser, noticeOutcome, runCommand, VIA_CLI } from './command';
import { CommandError } from './command-error';

const USAGE = 'usage: npm run users:disable-mfa -- <email>';

/**
 * `users:disable-mfa <email>`: for an owner who lost both the authenticator and the recovery codes. Two-factor
 * sign-in goes off, every session of the account ends, and the owner is mailed a notice. Whoever runs it must first
 * be sure who is asking: afterwards the password alone signs in.
 */
runCommand('users:disable-mfa', async (boot) => {
  const email = emailArgument(USAGE);
  const app = await boot();
  const user = await findUser(app, email);
  if (!(await app.get(MfaService).disableByOperator(user, VIA_CLI))) {
    throw new CommandError(`two-factor sign-in is not on for ${user.email}; nothing was changed`);
  }
  return [
    `Turned two-factor sign-in off for ${user.email} and ended every session of the account.`,
    noticeOutcome(app),
  ].join(' ');
});

import { AuditEventType } from '../audit/audit-event-type';
import { AuditService } from '../audit/audit.service';
import { SessionsService } from '../auth/sessions/sessions.service';
import { emailArgument, findUser, runCommand, VIA_CLI } from './command';

const USAGE = 'usage: npm run sessions:revoke-user -- <email>';

/** `sessions:revoke-user <email>`: ends every session of the account; its tokens stop working on every instance. */
runCommand('sessions:revoke-user', async (boot) => {
  const email = emailArgument(USAGE);
  const app = await boot();
  const user = await findUser(app, email);
  await app.get(SessionsService).endAllOfUser(user.id, 'revoked-by-operator');
  await app.get(AuditService).record(AuditEventType.LogoutAll, { userId: user.id, details: VIA_CLI });
  return `Ended every session of ${user.email}: its refresh and access tokens stop working at once.`;
});

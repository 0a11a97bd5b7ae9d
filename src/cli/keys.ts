import { KeyRotationService } from '../auth/keys/key-rotation.service';
import { CommandError } from './command-error';
import { runCommand } from './command';

const USAGE = 'usage: npm run keys:rotate | npm run keys:revoke -- <kid>';
const ACTOR = { actorId: null, via: 'cli' } as const;

/**
 * `keys:rotate` makes the published next key sign and publishes a new next key; `keys:revoke <kid>` stops a
 * compromised key at once. Running instances sharing the database pick the change up within 5 seconds (a new key
 * also as soon as they meet a token carrying it).
 */
const [command, kid] = process.argv.slice(2);
runCommand(`keys:${command ?? 'rotate'}`, async (boot) => {
  if (command !== 'rotate' && !(command === 'revoke' && kid)) {
    throw new CommandError(USAGE);
  }
  const rotation = (await boot()).get(KeyRotationService);
  if (command === 'rotate') {
    return `New signing key: ${await rotation.rotate(ACTOR)}`;
  }
  await rotation.revoke(kid, ACTOR);
  return `Revoked signing key ${kid}: its tokens no longer verify.`;
});

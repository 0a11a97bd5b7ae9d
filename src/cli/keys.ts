import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { KeyRotationService } from '../auth/keys/key-rotation.service';
import { ConfigError, loadConfig } from '../config/load-config';

const USAGE = 'usage: npm run keys:rotate | npm run keys:revoke -- <kid>';

/**
 * `keys:rotate` makes the published next key sign and publishes a new next key; `keys:revoke <kid>` stops a
 * compromised key at once. Running instances sharing the database pick the change up within 5 seconds (a new key
 * also as soon as they meet a token carrying it).
 */
async function main(command: string | undefined, kid: string | undefined): Promise<void> {
  if (command !== 'rotate' && !(command === 'revoke' && kid)) {
    throw new Error(USAGE);
  }
  loadConfig(process.env);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const rotation = app.get(KeyRotationService);
    if (command === 'rotate') {
      console.log(`New signing key: ${await rotation.rotate({ actorId: null, via: 'cli' })}`);
    } else {
      await rotation.revoke(kid as string, { actorId: null, via: 'cli' });
      console.log(`Revoked signing key ${kid}: its tokens no longer verify.`);
    }
  } finally {
    await app.close();
  }
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  Logger.error(
    error instanceof ConfigError || error instanceof Error ? error.message : String(error),
    undefined,
    'keys',
  );
  process.exit(1);
});

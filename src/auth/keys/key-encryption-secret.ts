import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { makeDirectory } from '../../common/make-directory';

const DEV_SECRET_FILE = 'key-encryption.secret';
// The key ring and the TOTP sealer both resolve the secret; the warning is said once.
let warned = false;

/**
 * The configured KEY_ENCRYPTION_SECRET, or in development one generated once and kept under the data directory,
 * so `npm start` works on a bare machine. Production refuses to start without the variable (see load-config).
 */
export function resolveKeyEncryptionSecret(config: AppConfig, logger: Logger): string {
  if (config.keyEncryptionSecret) {
    return config.keyEncryptionSecret;
  }
  const file = join(config.dataDir, DEV_SECRET_FILE);
  if (!existsSync(file)) {
    makeDirectory(config.dataDir);
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  if (!warned) {
    warned = true;
    logger.warn(
      `KEY_ENCRYPTION_SECRET is not set: using the development secret in ${file}. Set the variable in production.`,
    );
  }
  return readFileSync(file, 'utf8').trim();
}

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ISSUER = 'https://bastion.bench.local';
export const PASSWORD = 'a password for load tests';
export const KEY_ENCRYPTION_SECRET = 'bench-only-9Qm2xV7pL4sR8tW1yZ6nB3cF5hJ0kD';

export const log = (...parts) => console.error('[bench]', ...parts);
export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// Memory held by the in-memory revocation set for N ended sessions (default 100 000), from the built service.
//   npm run build && node --expose-gc bench/revocation-memory.mjs [N]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { RevocationsService } = require('../dist/auth/revocations/revocations.service.js');
const { Clock } = require('../dist/common/clock.js');

const count = Number(process.argv[2] ?? 100_000);
if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

// The database side is not measured: a repository that stores nothing.
const repository = { save: async () => {}, findLive: async () => [], deleteExpired: async () => 0 };
const config = { jwt: { accessTokenTtlSeconds: 900, clockToleranceSeconds: 1 } };
const revocations = new RevocationsService(repository, config, new Clock());

const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const before = heapUsed();
for (let start = 0; start < count; start += 1000) {
  // Ids reach the set from database rows and token payloads, as flat strings; randomUUID() builds rope strings
  // several times larger, so the batch goes through JSON the way a query result would.
  const batch = JSON.stringify(Array.from({ length: Math.min(1000, count - start) }, () => randomUUID()));
  await revocations.revokeSessions(JSON.parse(batch));
}
const after = heapUsed();

const bytes = after - before;
console.log(
  `${revocations.size.sessions} ended sessions held: ${(bytes / 1024 / 1024).toFixed(1)} MiB of heap, ${(bytes / count).toFixed(0)} bytes each (ids included)`,
);

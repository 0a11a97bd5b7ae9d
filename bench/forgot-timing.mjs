// Does POST /auth/password/forgot (and /auth/email/resend) take as long for an address nobody registered as for one
// that gets a mail? Registers `count` users, then asks for each of them and for as many unknown addresses,
// interleaved one at a time, and prints the median and p90 of both and their ratio.
//   node bench/forgot-timing.mjs [--database sqlite|postgres] [--count 150]
import { parseArgs } from 'node:util';
import { PASSWORD } from './lib/common.mjs';
import { createDatabase, dropAllDatabases } from './lib/databases.mjs';
import { postJson } from './lib/http.mjs';
import { checkDist, freePort, makeTempDir, removeDir, startBastion, stopAll } from './lib/processes.mjs';

const { values } = parseArgs({
  options: { database: { type: 'string', default: 'sqlite' }, count: { type: 'string', default: '150' } },
});
const count = Number(values.count);
checkDist();
const dir = makeTempDir();
try {
  const database = await createDatabase(values.database, dir, 'forgot');
  const port = await freePort();
  await startBastion(port, database.url);
  const api = `http://127.0.0.1:${port}/api/v1`;
  const known = [];
  for (let index = 0; index < count; index++) {
    const email = `timing-${index}@bench.example.org`;
    const response = await postJson(`${api}/auth/register`, { email, password: PASSWORD });
    if (response.status !== 201) {
      throw new Error(`register answered ${response.status}`);
    }
    known.push(email);
  }
  for (const route of ['password/forgot', 'email/resend']) {
    const times = { known: [], unknown: [] };
    for (let index = 0; index < count; index++) {
      // Alternating which goes first, so neither gets the warmer caches.
      const order = index % 2 ? ['known', 'unknown'] : ['unknown', 'known'];
      for (const kind of order) {
        const email = kind === 'known' ? known[index] : `nobody-${index}@bench.example.org`;
        const started = performance.now();
        const response = await postJson(`${api}/auth/${route}`, { email });
        times[kind].push(performance.now() - started);
        if (response.status !== 202) {
          throw new Error(`${route} answered ${response.status}`);
        }
      }
    }
    const at = (numbers, share) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length * share)];
    const summary = (numbers) => `median ${at(numbers, 0.5).toFixed(2)} ms, p90 ${at(numbers, 0.9).toFixed(2)} ms`;
    console.log(
      `${database.kind} ${route}: mailed ${summary(times.known)}; unknown ${summary(times.unknown)}; ` +
        `median ratio ${(at(times.known, 0.5) / at(times.unknown, 0.5)).toFixed(2)} (n=${count} each)`,
    );
  }
} finally {
  await stopAll();
  await dropAllDatabases();
  removeDir(dir);
}

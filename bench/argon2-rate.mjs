// The raw argon2id hash rate of this machine with Bastion's parameters (m=19456, t=2, p=1), `concurrency` hashes in
// flight, for `seconds`; prints one JSON line. Started by bench/run.mjs, pinned to the server's core.
//   node bench/argon2-rate.mjs [seconds=5] [concurrency=4]
import { Algorithm, hash } from '@node-rs/argon2';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 4);
const options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

await hash('warm-up password', options);
const started = performance.now();
const deadline = started + seconds * 1000;
let done = 0;
async function worker(index) {
  while (performance.now() < deadline) {
    await hash(`a benchmark password ${index} ${done}`, options);
    done++;
  }
}
await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
const elapsed = (performance.now() - started) / 1000;
console.log(JSON.stringify({ hashes: done, seconds: elapsed, perSecond: done / elapsed, concurrency }));

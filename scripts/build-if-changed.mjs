// `npm start`'s build step: builds only when a build input changed since the build it last ran (scripts/build-stamp.mjs).
import { spawnSync } from 'node:child_process';
import { buildDecision, writeStamp } from './build-stamp.mjs';

const root = process.cwd();
const decision = buildDecision(root);
console.log(decision.reason);
if (decision.build) {
  // The build prints its own errors; a stack trace from here would only bury them.
  const { status } = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (status !== 0) {
    process.exit(status ?? 1);
  }
  writeStamp(root, decision.fingerprint);
}

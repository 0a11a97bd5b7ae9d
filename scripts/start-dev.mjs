// `npm run start:dev`: `nest start --watch`, with src/metadata.ts regenerated whenever a source changes, so an edited
// doc comment never leaves the committed OpenAPI metadata stale (CI compares it with a fresh one).
// Arguments go to `nest start` (`start:debug` passes --debug).
import { spawn } from 'node:child_process';
import { readdirSync, watch } from 'node:fs';
import { join } from 'node:path';

const GENERATOR = join('scripts', 'generate-openapi-metadata.mjs');
const NEST = join('node_modules', '.bin', 'nest');
// Waits for a burst of saves (format-on-save, a git checkout) to end before regenerating.
const SETTLE_MS = 500;

const affectsMetadata = (path) =>
  path.endsWith('.ts') && !path.endsWith('.spec.ts') && path !== join('src', 'metadata.ts');

// A change during a run waits for it and starts one more, so the last edit is always the one generated from.
let running = false;
let again = false;
let timer;

/** Detached, so that Ctrl-C stops the service but never a generator halfway, which would leave an empty file. */
function generate(then = () => {}) {
  running = true;
  spawn(process.execPath, [GENERATOR], { stdio: 'inherit', detached: true }).on('exit', () => {
    running = false;
    then();
    if (again) {
      again = false;
      regenerateSoon();
    }
  });
}

function regenerateSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => (running ? (again = true) : generate()), SETTLE_MS);
}

// One watcher per folder rather than `recursive: true`, which on Linux under Node 20 misses a file that an editor or
// git replaces by renaming a new one over it. A folder created later is watched from the next event on.
const watched = new Set();
function watchFolders(folder) {
  if (!watched.has(folder)) {
    watched.add(folder);
    watch(folder, (_event, file) => {
      if (file && affectsMetadata(join(folder, file))) {
        regenerateSoon();
      }
      watchFolders('src');
    });
  }
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      watchFolders(join(folder, entry.name));
    }
  }
}

generate(() => {
  watchFolders('src');
  // In a group of its own, stopped as a whole: stopping `nest start` alone leaves the service it started running.
  const nest = spawn(NEST, ['start', '--watch', ...process.argv.slice(2)], { stdio: 'inherit', detached: true });
  nest.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => process.kill(-nest.pid, 'SIGTERM'));
  }
});

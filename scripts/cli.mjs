// Runs an operations command from dist/cli/ (`npm run keys:list` is `node scripts/cli.mjs keys-list`). Before a build
// there is nothing to run, and that deserves one line rather than Node's MODULE_NOT_FOUND stack trace.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const [, , name = '', ...args] = process.argv;
const command = fileURLToPath(new URL(`../dist/cli/${name}.js`, import.meta.url));

if (!/^[a-z-]+$/.test(name)) {
  console.error('usage: node scripts/cli.mjs <command> [arguments]   (see "Operations" in README.md)');
  process.exit(1);
}
if (!existsSync(command)) {
  console.error(`Bastion is not built (no dist/cli/${name}.js): run npm run build first`);
  process.exit(1);
}
// The command reads its arguments as if it had been started as `node dist/cli/<name>.js …`.
process.argv = [process.argv[0], command, ...args];
createRequire(import.meta.url)(command);

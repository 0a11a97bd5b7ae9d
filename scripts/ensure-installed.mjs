// Runs `npm ci` when node_modules is missing or older than the lockfile, so `npm start` and `npm test`
// work on a fresh clone with nothing but Node.js and npm installed.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installedMarker = 'node_modules/.package-lock.json';
const stale = !existsSync(installedMarker) || statSync('package-lock.json').mtimeMs > statSync(installedMarker).mtimeMs;

if (stale) {
  console.log('Installing dependencies from package-lock.json (npm ci)…');
  execSync('npm ci', { stdio: 'inherit' });
}

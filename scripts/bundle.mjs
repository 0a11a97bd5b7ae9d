// Runs after `nest build` (npm's postbuild): bundles the compiled service with its dependencies into one file, so that
// a start reads one file instead of some 1 400, then starts the bundle once to record a V8 code cache for it
// (README "Build and start-up"). dist/ otherwise stays as tsc wrote it: `node dist/main.js` runs the service unbundled,
// which costs less CPU per request; the key CLI and the TypeORM CLI run those files too.
//   dist/main.bundle.js (+ .map)   the service: dist/main.js as tsc compiled it, and everything it requires
//   dist/main.bundle.cache         the code V8 compiled while the bundle started
//   dist/main.fast.js              scripts/start-bundle.cjs, which runs the bundle with that cache
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';

const ENTRY = 'dist/main.js';
const BUNDLE = 'dist/main.bundle.js';
const CACHE = 'dist/main.bundle.cache';
const LAUNCHER = 'scripts/start-bundle.cjs';
const FAST_START = 'dist/main.fast.js';

// Loaded from node_modules at run time: native addons, and packages that read their own files next to their code
// (Swagger UI's assets; ioredis reports the version in its package.json to the server).
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'swagger-ui-dist', 'ioredis'];

// Nest, TypeORM and Fastify import optional packages (microservices, other database drivers, …) only when they are
// used. Those not installed stay plain requires, which fail at run time exactly as they do without the bundle.
const notInstalled = new Set();
const leaveUninstalledPackagesOut = {
  name: 'leave-uninstalled-packages-out',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, async ({ path, kind, resolveDir, importer, pluginData }) => {
      if (pluginData?.probing) {
        return undefined;
      }
      const found = await bundler.resolve(path, { kind, resolveDir, importer, pluginData: { probing: true } });
      if (found.errors.length === 0) {
        return found;
      }
      notInstalled.add(path);
      return { path, external: true };
    });
  },
};

// Dependencies are read as Node would read them, with two changes:
// - Their own source maps are left out: some point at sources the package does not ship (TypeORM's lead into our src/),
//   so the bundle's map leads to src/*.ts for our code and to the JavaScript in node_modules for theirs.
// - Some of Nest's ESM files call `createRequire(import.meta.url)` to require class-validator, class-transformer and
//   typeorm. esbuild cannot follow that (there is no import.meta in CommonJS) and would leave a second copy of those
//   packages, with metadata stores of their own, to be loaded from node_modules. Dropping the line turns them into plain
//   requires that esbuild resolves from the same file, as Node would.
const SOURCE_MAP_COMMENT = /^\/\/# sourceMappingURL=.*$/m;
const OWN_REQUIRE = /^const require = createRequire\(import\.meta\.url\);$/m;
const loadDependencies = {
  name: 'load-dependencies',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8').replace(SOURCE_MAP_COMMENT, '');
      return { contents: /[\\/]@nestjs[\\/]/.test(path) ? source.replace(OWN_REQUIRE, '') : source, loader: 'js' };
    });
  },
};

async function bundle() {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    plugins: [leaveUninstalledPackagesOut, loadDependencies],
    // Less to read and parse at start-up; names stay, so stack traces still name their functions.
    minifyWhitespace: true,
    // Nest names modules, providers and log contexts, and Swagger names schemas, after their classes.
    keepNames: true,
    // import() of a package left out becomes require(): the launcher's vm script (start-bundle.cjs) could run import()
    // only with an experimental Node 20 option, and those packages are CommonJS or not installed.
    supported: { 'dynamic-import': false },
    // What is left of import.meta.url (Nest's loader for optional packages) resolves from the bundle's place.
    define: { 'import.meta.url': '__bundleUrl' },
    // esbuild starts the bundle with 'use strict'; it must stay the first statement to apply to the whole file.
    banner: { js: `'use strict';\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;` },
    // Follows tsc's source maps, so the bundle's map leads back to src/*.ts (`node --enable-source-maps dist/main.js`).
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  // An external resolves from dist/ at run time, so it must be installed where Node looks from there.
  const requireFromBundle = createRequire(join(process.cwd(), BUNDLE));
  EXTERNAL.forEach((name) => requireFromBundle.resolve(name));

  const files = Object.keys(result.metafile.inputs).length;
  const mib = (result.metafile.outputs[BUNDLE].bytes / 2 ** 20).toFixed(1);
  console.log(`Bundled ${files} files into ${BUNDLE} (${mib} MiB); not installed: ${[...notInstalled].join(', ')}`);
}

/**
 * Starts the service on a throw-away SQLite database, asks it for /health/live and stops it; the launcher writes the
 * cache as the process exits. A bundle that cannot do that much fails the build.
 */
async function recordCodeCache() {
  const workDir = mkdtempSync(join(tmpdir(), 'bastion-code-cache-'));
  // V8 uses a cache only under the options it was recorded with: those of `npm run start:fast`.
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
  const nodeOptions = scripts['start:fast'].split(/\s+/).filter((word) => word.startsWith('--'));
  const child = spawn(process.execPath, [...nodeOptions, FAST_START], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SMTP_URL: 'none',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite:${join(workDir, 'db.sqlite')}`,
      KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
      BASTION_WRITE_CODE_CACHE: '1',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const listening = new Promise((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        const url = /Listening on (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
        if (url) {
          resolve(url);
        }
      });
    }
  });
  try {
    const url = await Promise.race([listening, exited.then(() => null), setTimeout(30_000, null, { ref: false })]);
    // An answer also means main.ts has set up its SIGTERM handling, which follows the log line.
    const live = url ? await fetch(`${url}/health/live`).catch(() => null) : null;
    child.kill('SIGTERM');
    const code = await exited;
    if (live?.status !== 200 || code !== 0 || !existsSync(CACHE)) {
      throw new Error(`The bundle did not start, answer and stop cleanly (exit ${code}):\n${output}`);
    }
  } finally {
    child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  }
}

rmSync(CACHE, { force: true });
await bundle();
copyFileSync(LAUNCHER, FAST_START);
await recordCodeCache();

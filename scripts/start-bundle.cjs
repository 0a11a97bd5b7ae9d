'use strict';
// Becomes dist/main.fast.js at build time (scripts/bundle.mjs). Starts the service bundle, dist/main.bundle.js, with the V8
// code cache the build wrote beside it, so that a start skips parsing the bundle and compiling what it runs. A cache
// written for other bundle contents is not used; one that V8 refuses (another Node.js version or other V8 flags) just
// means the bundle is compiled as usual.
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, 'main.bundle.js');
const CACHE = join(__dirname, 'main.bundle.cache');

function runWithCodeCache() {
  const bundle = readFileSync(BUNDLE);
  // The cache starts with the SHA-256 of the bundle it was made from.
  const digest = createHash('sha256').update(bundle).digest();
  // The same wrapper Node.js puts around a CommonJS file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bundle.toString()}\n})`, {
    filename: BUNDLE,
    cachedData: readCache(digest),
  });
  // The build runs the service once with this set and stops it; the code compiled by then is what a start needs.
  if (process.env.BASTION_WRITE_CODE_CACHE === '1') {
    process.once('exit', (code) => {
      if (code === 0) {
        writeFileSync(CACHE, Buffer.concat([digest, script.createCachedData()]));
      }
    });
  }
  const bundleModule = { exports: {}, filename: BUNDLE };
  script.runInThisContext()(bundleModule.exports, createRequire(BUNDLE), bundleModule, BUNDLE, __dirname);
}

function readCache(digest) {
  try {
    const cache = readFileSync(CACHE);
    return cache.subarray(0, digest.length).equals(digest) ? cache.subarray(digest.length) : undefined;
  } catch {
    return undefined;
  }
}

// Node.js applies source maps only to the files it loads itself, so with --enable-source-maps the bundle is required.
if (process.sourceMapsEnabled) {
  require(BUNDLE);
} else {
  runWithCodeCache();
}

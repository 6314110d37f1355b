#!/usr/bin/env node
'use strict';
// Start-up matters (npx, thousands of CI runs), so this file stays tiny: --version is answered
// without loading the bundle, and the bundle is compiled with a V8 code cache kept per user
// (Node >= 22 has this built in as module.enableCompileCache).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(require('../package.json').version + '\n');
} else {
  const path = require('path');
  const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
  const Module = require('module');
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache();
    require(bundle);
  } else {
    loadWithCodeCache(bundle, Module);
  }
}

function loadWithCodeCache(bundle, Module) {
  const fs = require('fs');
  const os = require('os');
  const path = require('path');
  const vm = require('vm');
  const source = fs.readFileSync(bundle, 'utf8');
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  // V8 checks only the source length against a cache, so the key names this exact bundle file.
  const stat = fs.statSync(bundle);
  const key = `${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}`;
  const cacheFile = path.join(base, 'dockerize-slim', `cli-${key}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = { exports: {} };
  // The bundle requires its lazily loaded parts (dist/yargs.js, dist/verify.js, ...) beside it.
  script
    .runInThisContext()
    .call(
      mod.exports,
      mod.exports,
      Module.createRequire(bundle),
      mod,
      bundle,
      path.dirname(bundle),
    );
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written after the run, so the cache also holds the functions this run compiled lazily.
    process.once('exit', () => {
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const temp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, cacheFile);
      } catch {
        // A cache that cannot be written only costs start-up time.
      }
    });
  }
}

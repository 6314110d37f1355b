#!/usr/bin/env node
'use strict';
// Start-up matters (npx, thousands of CI runs), so this file stays tiny: --version is answered
// without loading the bundle, and the bundle is compiled with a V8 code cache kept per user
// (Node >= 22 has this built in as module.enableCompileCache).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(require('../package.json').version + '\n');
} else {
  tuneOptimizer();
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

/**
 * V8 optimizes a function with TurboFan once it has run for a while (its interrupt budget). A run
 * of this tool is short and its code is broad: with the default budget, compiling is 40% of the
 * instructions of a 1,000-file run, for functions that then run a few hundred more times. At
 * 528,000 (8 times Node 20's default) only the functions that stay hot are optimized: 18% fewer
 * instructions over 1,000 files, 19% over 3,000 (valgrind; scripts/bench.mjs for the time). The
 * flag is process-wide, so worker threads have it too. Set only where V8 is known to have it
 * (Node 18's 10.2 and Node 20's 11.3): Node 22's V8 12.4 prints "unrecognized flag" for it.
 */
function tuneOptimizer() {
  const [major, minor] = process.versions.v8.split('.').map(Number);
  if (major === 10 || (major === 11 && minor <= 3))
    require('v8').setFlagsFromString('--interrupt-budget=528000');
}

#!/usr/bin/env node
'use strict';
// `--version` is answered without loading the bundle: it is what wrappers call most.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(require('../package.json').version + '\n');
} else {
  require('../dist/cli.js');
}

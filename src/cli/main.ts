import { processIo } from './io';
import { run } from './run';
import { version } from '../../package.json';

run(process.argv.slice(2), processIo(), version).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`dockerize-slim: internal error: ${e.stack ?? e.message}\n`);
    process.exitCode = 2;
  },
);

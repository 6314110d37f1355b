import type { CliOptions } from './args';
import type { Io } from './io';

export async function runVerify(_options: CliOptions, io: Io): Promise<number> {
  io.stderr.write('dockerize-slim verify: not available in this build\n');
  return 2;
}

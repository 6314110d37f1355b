import { NODE_FACTS } from '../../templates';
import { nodemonScript } from './parse';
import { fail, StartCommand, StartInput } from './types';

const DEV_TOOLS = new Set(NODE_FACTS.devServerCommands);
// Site generators whose one program builds or serves for development by its subcommand or flag.
const DEV_INVOCATIONS = NODE_FACTS.devServerInvocations as Record<string, string[]>;

/** The dev server a program's words start (`docusaurus start`, `eleventy --serve`), or null. */
export function devServerOf(name: string, args: readonly string[]): string | null {
  const words = DEV_INVOCATIONS[name.replace(/^.*\//, '')];
  if (!words) return DEV_TOOLS.has(name) ? name : null;
  const hit = args.find((a) => words.includes(a.replace(/=.*$/, '')));
  return hit === undefined ? null : `${name} ${hit}`;
}

/** Why a program that is neither node nor a wrapper around it cannot start the final image. */
export function refuseProgram(
  name: string,
  args: string[],
  shown: string,
  input: StartInput,
): StartCommand {
  if (name === 'sh' || name === 'bash' || name === 'ash' || /\.sh$/.test(name)) {
    return fail(
      'node/resolve-start-command',
      `the start command runs a shell (${shown}), which the final image does not have`,
      'start node directly, or use --target slim',
    );
  }
  if (name === 'ts-node' || name === 'tsx' || name === 'ts-node-dev') {
    return fail(
      'node/dev-server-start',
      `${shown} compiles TypeScript at start-up with ${name}, a development tool that is not runnable in a slim runtime`,
      'compile with tsc in a RUN step and start the built .js with node',
    );
  }
  if (name === 'pm2-runtime' || name === 'pm2' || name === 'forever' || name === 'serve') {
    const devDep = input.packageJson?.devDependencies?.[name === 'pm2-runtime' ? 'pm2' : name];
    return fail(
      'node/global-cli-start',
      `${shown} starts through the ${name} CLI, which ${devDep ? 'is a devDependency' : 'is installed globally or as a package binary'} and not in the final image`,
      'start the app with node directly',
    );
  }
  if (name === 'prisma' || name === 'sequelize' || name === 'knex' || name === 'typeorm') {
    return fail(
      'node/devdependency-start',
      `${shown} runs the ${name} CLI at start-up; its binary usually comes from a devDependency that is pruned`,
      'run migrations in a separate job, and start the app with node',
    );
  }
  const dev = devServerOf(name, args);
  if (dev !== null) {
    const convertible = name === 'nodemon' && nodemonScript(args) !== null;
    return fail(
      'node/dev-server-start',
      `a development container: ${shown} runs a development server (${dev}), not a production start`,
      convertible
        ? '--dev-to-production starts the same script with node instead'
        : 'build in a RUN step and start the built output with node',
    );
  }
  return fail(
    'node/resolve-start-command',
    `${shown} is not a node command this tool can resolve`,
    'use CMD ["node", "<script>"]',
  );
}

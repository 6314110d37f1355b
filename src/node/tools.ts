import posix from 'path/posix';
import type { RunStep, StageFacts } from '../dockerfile/stage';
import { osPackageInstalls } from '../common/os-packages';
import { splitCommandList } from '../dockerfile/shell-words';
import { NODE_FACTS } from '../templates';
import { versionOf } from './frameworks/types';
import type { PackageJson } from './package-json';

const TOOLS = NODE_FACTS.browserTools;

/**
 * What a tool, not an apt line, puts outside the app folder for the app's run time: a browser
 * Playwright or Puppeteer downloads into the builder's home (which the final stage's user cannot
 * read, and which is not copied), the browsers' shared libraries `playwright install --with-deps`
 * installs with apt, and OS packages an npm script installs.
 */
export interface ToolInstalls {
  /** Browsers downloaded into a folder outside the app folder. */
  browsers: Array<{
    tool: 'playwright' | 'puppeteer';
    /** Where the builder put them. */
    cache: string;
    /** The variable the library reads, and where the final stage puts them. */
    env: string;
    finalPath: string;
    where: string;
  }>;
  /** Commands that install OS packages for the app's run time (`npx playwright install-deps`). */
  osCommands: Array<{ command: string; where: string }>;
  /** npm scripts a RUN runs that install OS packages: nothing a final stage can repeat alone. */
  scripts: Array<{ script: string; where: string }>;
}

const PLAYWRIGHT_INSTALL =
  /(?:^|\s)(?:npx\s+(?:--yes\s+|-y\s+)?|pnpm\s+(?:exec\s+|dlx\s+)?|yarn\s+(?:dlx\s+)?|bunx\s+|\S*node_modules\/\.bin\/)?playwright(?:@\S+)?\s+(install(?:-deps)?)\b([^&|;]*)/;
const OS_INSTALL = /\b(apt-get|apt)\s+(?:-\S+\s+)*install\b|\bapk\s+add\b/;

export function toolInstalls(
  stage: StageFacts,
  runs: readonly RunStep[],
  packageJson: PackageJson | null,
  appDir: string,
): ToolInstalls {
  const out: ToolInstalls = { browsers: [], osCommands: [], scripts: [] };
  const env = stage.envValues;
  const home = builderHome(stage);
  const outside = (dir: string) => dir !== appDir && !dir.startsWith(appDir + '/');
  for (const run of runs) {
    const line = run.ins.getRange().start.line + 1;
    run.commands.forEach((command) => {
      const m = PLAYWRIGHT_INSTALL.exec(command);
      if (m) {
        const where = `the RUN on line ${line} (${command.trim()})`;
        if (m[1] === 'install-deps' || /--with-deps\b/.test(m[2]))
          out.osCommands.push({ command: depsCommand(m[2]), where });
        if (m[1] === 'install') {
          const cache = posix.resolve(
            run.workdir,
            env[TOOLS.playwright.cacheEnv] ?? posix.join(home, TOOLS.playwright.cache),
          );
          if (outside(cache))
            out.browsers.push({
              tool: 'playwright',
              cache,
              env: TOOLS.playwright.cacheEnv,
              finalPath: TOOLS.playwright.finalPath,
              where,
            });
        }
      }
      const script =
        /^\s*(?:npm\s+run(?:-script)?|yarn(?:\s+run)?|pnpm(?:\s+run)?)\s+([\w:.-]+)/.exec(
          command,
        )?.[1];
      const body = script !== undefined ? packageJson?.scripts?.[script] : undefined;
      if (body !== undefined && OS_INSTALL.test(body) && !onlyBuildTools(body))
        out.scripts.push({
          script: script!,
          where: `the RUN on line ${line} (${command.trim()}): scripts.${script} is "${body}"`,
        });
    });
  }
  const deps = { ...(packageJson?.dependencies ?? {}) };
  const puppeteer = TOOLS.puppeteer.packages.find((p) => deps[p] !== undefined);
  const skipped = TOOLS.puppeteer.skipEnv.some(
    (k) => env[k] !== undefined && !/^(0|false)?$/i.test(env[k]),
  );
  const major = packageJson
    ? versionOf({ packageJson, paths: [], files: {} }, 'puppeteer')?.[0]
    : undefined;
  if (puppeteer && !skipped && (major === undefined || major >= TOOLS.puppeteer.cacheFromMajor)) {
    const cache = env[TOOLS.puppeteer.cacheEnv] ?? posix.join(home, TOOLS.puppeteer.cache);
    if (outside(cache))
      out.browsers.push({
        tool: 'puppeteer',
        cache,
        env: TOOLS.puppeteer.cacheEnv,
        finalPath: TOOLS.puppeteer.finalPath,
        where: `the ${puppeteer} dependency (its install downloads Chrome into ${cache})`,
      });
  }
  return out;
}

const BUILD_ONLY = new Set(NODE_FACTS.buildOnlyOsPackages);

/**
 * Whether every OS package a script installs is a build tool (python3, make, g++ for node-gyp),
 * which the app does not need at run time: the packages its install commands name, when there
 * are any and each is known.
 */
function onlyBuildTools(body: string): boolean {
  const installs = osPackageInstalls({ commands: splitCommandList(body) });
  const names = installs.flatMap((i) => i.packages);
  return installs.length > 0 && names.length > 0 && names.every((p) => BUILD_ONLY.has(p));
}

/** The install of only the browsers' system dependencies, for the same browsers. */
function depsCommand(rest: string): string {
  const browsers = rest
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '' && !w.startsWith('-'));
  return ['npx', 'playwright', 'install-deps', ...browsers].join(' ');
}

/** The home folder of the user the builder's RUNs run as (root's unless USER says otherwise). */
function builderHome(stage: StageFacts): string {
  const user = stage.user?.value.split(':')[0];
  if (!user || user === 'root' || user === '0') return '/root';
  if (user === 'node' || user === '1000') return '/home/node';
  return `/home/${user}`;
}

import posix from 'path/posix';
import type { Change } from '../../dockerfile/edit';
import { effectiveCommand } from '../../dockerfile/command';
import { splitShellWords } from '../../dockerfile/shell-words';
import { commandCwds, StageFacts } from '../../dockerfile/stage';
import type { SplitStage } from '../../common/split-stage';
import type { Note, Skip } from '../../types';
import type { NodeFacts } from '../analyze';
import { packageManagerVersion } from '../buildability';
import { currentNodeMajor, imageHasPackageManager } from '../image';
import type { NodeRuntimeProfile } from './profile';

/** A process manager the original installed globally (pm2), installed the same way in a slim final. */
export function globalCliInstall(
  facts: NodeFacts,
  globalCli: { package: string; command: string[] },
  profile: NodeRuntimeProfile,
  uid: number,
  split: SplitStage,
): { skip: Skip } | { line: string; change: Change; warnings: Note[] } {
  const w = split.writer;
  if (profile.target !== 'slim') {
    return {
      skip: {
        rule: 'node/global-cli-start',
        reason: `${globalCli.command[0]} comes from ${globalCli.package}, installed globally with a package manager that ${profile.finalImage} does not have`,
        suggestion: '--target slim installs it in the final stage the same way',
      },
    };
  }
  const install = facts.runs
    .flatMap((r) => r.classes)
    .find(
      (c) =>
        c.kind === 'global-install' &&
        (c.packages ?? []).some((p) => p.replace(/(?<=.)@.*$/, '') === globalCli.package),
    )!;
  const spec = install.packages!.find((p) => p.replace(/(?<=.)@.*$/, '') === globalCli.package)!;
  const command =
    install.manager === 'yarn'
      ? `yarn global add ${spec}`
      : `${install.manager ?? 'npm'} install -g ${spec}`;
  const change: Change = {
    note: {
      rule: 'node/global-cli-start',
      reason: `${globalCli.command.join(' ')} runs as in the original; ${globalCli.package} is installed in the final stage as the original did (${command})${uid === 1000 ? ', and runs as node (1000), whose home keeps its state' : ''}`,
    },
    edits: [],
  };
  const warnings: Note[] = [];
  if (uid !== 1000)
    warnings.push({
      rule: 'node/global-cli-start',
      reason: `${globalCli.package} keeps state in the home folder, and uid ${uid} has none in ${profile.finalImage}; set PM2_HOME (or HOME) to a writable folder`,
    });
  return { line: w.line('RUN', command), change, warnings };
}

/** The folder the app's dependencies are installed in (where node_modules/.bin is). */
export function installDir(facts: NodeFacts, appDir: string): string {
  for (const { run, classes } of facts.runs) {
    const i = classes.findIndex((c) => c.kind === 'install');
    if (i >= 0) return commandCwds(run)[i];
  }
  return appDir;
}

/**
 * A kept start (`pnpm start`) whose package manager the final image lacks (no node image has
 * pnpm, Node 26 has no yarn): a start through a package's bin runs that bin from
 * node_modules/.bin instead, with no package manager; otherwise the manager is installed in the
 * final stage at build time, at package.json's packageManager version (or the builder's), so
 * nothing is fetched when the container starts and every user can run it.
 */
export function planFinalManager(
  facts: NodeFacts,
  words: string[],
  binDir: string,
  builder: string,
): { note: Note; warning?: Note; install?: string; command?: string[] } | null {
  const manager = posix.basename(words[0]);
  if (manager !== 'yarn' && manager !== 'pnpm') return null;
  const major = currentNodeMajor(facts.base);
  if (major !== null && imageHasPackageManager(manager, major)) return null;
  const start = facts.start;
  const image = `node:${facts.base.slimTag}`;
  const unknownEnv = facts.npmEnv !== null && facts.npmEnv.unknown.length > 0;
  if (start.ok && start.keptScript && !unknownEnv) {
    const bin = posix.join(binDir, 'node_modules/.bin', start.keptScript.tool);
    return {
      command: [bin, ...start.keptScript.args],
      note: {
        rule: 'node/keep-package-script',
        reason: `${words.join(' ')} runs ${start.keptScript.tool} from ${start.keptScript.package}, and ${image} has no ${manager}: the final stage runs ${bin} itself (${builder}'s node_modules/.bin), with no package manager`,
      },
    };
  }
  if (major === null)
    return {
      note: {
        rule: 'node/final-package-manager',
        reason: `${words.join(' ')} stays the start command`,
      },
      warning: {
        rule: 'node/final-package-manager',
        reason: `the start runs ${manager}, and whether ${image} has it depends on the Node major the tag "${facts.base.tag}" gives: check that it does`,
      },
    };
  const declared = facts.packageJson && packageManagerVersion(facts.packageJson, manager);
  const pinned = declared || builderManagerVersion(facts, manager);
  const spec = pinned ? `${manager}@${pinned}` : manager;
  return {
    install: `npm install -g ${spec}`,
    note: {
      rule: 'node/final-package-manager',
      reason: `${words.join(' ')} stays the start command, and ${image} has no ${manager}: npm install -g ${spec} puts it in the final stage at build time (${declared ? "package.json's packageManager" : pinned ? 'the version the builder installs' : 'no version is pinned'}), readable by every user, so nothing is downloaded when the container starts`,
    },
    ...(pinned
      ? {}
      : {
          warning: {
            rule: 'node/final-package-manager' as const,
            reason: `${manager} is installed in the final stage without a version (neither package.json's packageManager nor the Dockerfile pins one): pin it for reproducible builds`,
          },
        }),
  };
}

/** The version a builder's global install or corepack step names (`npm i -g pnpm@8.6.0`). */
function builderManagerVersion(facts: NodeFacts, manager: string): string | null {
  for (const { run } of facts.runs) {
    const m = new RegExp(`\\b${manager}@(\\d[\\w.-]*)`).exec(run.text);
    if (m) return m[1];
  }
  return null;
}

/** The original start command as exec words (it is a plain command, or it would not resolve). */
export function packageManagerWords(stage: StageFacts): string[] | null {
  const command = effectiveCommand(stage);
  if (command === null) return null;
  if (Array.isArray(command)) return command;
  const split = splitShellWords(command.shell);
  return split.plain ? split.words : null;
}

/**
 * Global installs without a version (`npm install -g pm2`): the image gets whatever is newest the
 * day it is built, which may need a newer Node than the image has. Said with the pin to add.
 */
export function unpinnedGlobals(facts: NodeFacts): Note | null {
  const unpinned = facts.runs
    .flatMap((r) => r.classes)
    .filter((c) => c.kind === 'global-install')
    .flatMap((c) => c.packages ?? [])
    .filter((p) => !/^@?[^@]+@\d/.test(p) && !/^(npm|corepack)$/.test(p));
  if (unpinned.length === 0) return null;
  return {
    rule: 'node/unpinned-global-install',
    reason: `${unpinned.join(', ')} ${unpinned.length === 1 ? 'is' : 'are'} installed globally without a version, so the image gets whatever is newest the day it is built (a newer release may need a newer Node than node:${facts.base.tag}): pin ${unpinned.length === 1 ? 'it' : 'them'} (npm install -g ${unpinned[0].replace(/@latest$/, '')}@<version>)`,
  };
}

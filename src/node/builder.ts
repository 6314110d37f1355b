import { NodeFacts } from './analyze';
import {
  Change,
  extendInstruction,
  insertLines,
  LINE_ORDER,
  LineWriter,
  TextEdit,
} from '../dockerfile/edit';
import { rangeOffsets } from '../dockerfile/parse';
import { NODE_FACTS } from '../templates';
import type { Note } from '../types';

type InstallFacts = (typeof NODE_FACTS.installCommands)['npm'] & { frozenFlag?: string };

/** Switches installs to the lockfile-respecting form when the lockfile is in the build context. */
export function lockfileInstall(facts: NodeFacts): { changes: Change[]; warnings: Note[] } {
  const warnings: Note[] = [];
  const { pm } = facts;
  if (pm.conflictingLockfiles) {
    warnings.push({
      rule: 'node/lockfile-install',
      reason: `several lockfiles in the build context (${pm.lockfiles.join(', ')}); ${pm.manager ?? 'the install step'} decides`,
    });
  }
  const installs = facts.runs.filter((r) => r.classes.some((c) => c.kind === 'install'));
  if (installs.length === 0 || pm.flavor === null) return { changes: [], warnings };
  if (!pm.hasLockfile) {
    warnings.push({
      rule: 'node/lockfile-install',
      reason: `no ${pm.manager} lockfile in the build context: the install is kept as it is and is not reproducible`,
    });
    return { changes: [], warnings };
  }
  const usable = installs.filter(({ run }) => {
    const lock = facts.installLocks.find((l) => l.run === run);
    const line = run.ins.getRange().start.line + 1;
    if (!lock || lock.lockName === null) return false;
    if (!lock.present) {
      warnings.push({
        rule: 'node/lockfile-install',
        reason: `${lock.lockName} is in the build context but not copied into ${run.workdir} before the install on line ${line}, so a frozen install would fail: the install is kept (copy it with package.json to make installs reproducible)`,
      });
      return false;
    }
    if (!lock.agreement?.agrees) {
      warnings.push({
        rule: 'node/lockfile-install',
        reason: !lock.agreement
          ? `${lock.lockName} is too large to read, so whether it matches package.json is unknown: the install on line ${line} is kept`
          : lock.agreement.tooOld
            ? `${lock.agreement.reason}: the install on line ${line} is kept`
            : lock.agreement.unchecked
              ? `whether ${lock.lockName} matches package.json cannot be checked here (${lock.agreement.reason}): the install on line ${line} is kept`
              : `${lock.lockName} is out of sync with package.json (${lock.agreement.reason}), so a frozen install would stop: the install on line ${line} is kept`,
      });
      return false;
    }
    return true;
  });
  const { doc } = facts.stage;
  const edits: TextEdit[] = [];
  const config = unfrozenByConfig(facts);
  const chosen = (words: string[], line: number): boolean => {
    const flag = words.find((w) => UNFROZEN_FLAGS.has(w));
    const why = flag ?? config;
    if (why === null) return false;
    warnings.push({
      rule: 'node/lockfile-install',
      reason: `the install on line ${line} is kept as written: ${flag ? `${flag} says` : `${config} says`} not to install from the lockfile as it is, and the rewrite keeps that choice`,
    });
    return true;
  };
  for (const { run } of usable) {
    const [start, end] = rangeOffsets(doc, run.ins.getRange());
    const text = doc.source.slice(start, end);
    const line = run.ins.getRange().start.line + 1;
    if (pm.flavor === 'npm') {
      for (const m of text.matchAll(/\bnpm(\s+)(install|i)\b/g)) {
        const rest = restOfCommand(text, m.index! + m[0].length, doc.escape);
        const words = rest
          .trim()
          .split(/\s+/)
          .filter((w) => w !== '');
        if (words.every((w) => w.startsWith('-')) && !chosen(words, line)) {
          const verbStart = start + m.index! + 3 + m[1].length;
          edits.push({ start: verbStart, end: verbStart + m[2].length, text: 'ci' });
        }
      }
    } else {
      const flag = (NODE_FACTS.installCommands[pm.flavor] as InstallFacts).frozenFlag as string;
      const tool = pm.flavor === 'pnpm' ? 'pnpm' : 'yarn';
      const re = tool === 'pnpm' ? /\bpnpm\s+(install|i)\b/g : /\byarn(\s+install)?\b/g;
      for (const m of text.matchAll(re)) {
        const rest = restOfCommand(text, m.index! + m[0].length, doc.escape);
        const words = rest
          .replace(/\\\s*$/, '')
          .trim()
          .split(/\s+/)
          .filter((w) => w !== '');
        if (!words.every((w) => w.startsWith('-'))) continue;
        if (words.some((w) => /^--(frozen-lockfile|immutable|pure-lockfile)$/.test(w))) continue;
        if (chosen(words, line)) continue;
        const at = start + m.index! + m[0].length;
        edits.push(extendInstruction(at, ` ${flag}`));
      }
    }
  }
  if (edits.length === 0) return { changes: [], warnings };
  const how =
    pm.flavor === 'npm'
      ? 'npm install became npm ci'
      : `${pm.manager} install gets ${(NODE_FACTS.installCommands[pm.flavor] as InstallFacts).frozenFlag}`;
  return {
    changes: [
      {
        note: {
          rule: 'node/lockfile-install',
          reason: `${how}: installs exactly what ${pm.lockfiles.join(', ')} pins`,
        },
        edits,
      },
    ],
    warnings,
  };
}

/** Install flags that opt out of installing exactly what the lockfile pins. */
const UNFROZEN_FLAGS = new Set([
  '--no-package-lock',
  '--package-lock=false',
  '--no-lockfile',
  '--no-frozen-lockfile',
  '--prefer-online',
  '--frozen-lockfile=false',
  '--immutable=false',
]);

/**
 * A setting that opts out of the lockfile for every install: .npmrc `package-lock=false` or
 * `frozen-lockfile=false`, pnpm's `ci=false` (pnpm freezes only in CI), or the same as ENV.
 */
function unfrozenByConfig(facts: NodeFacts): string | null {
  const npmrc = facts.appContext.files['.npmrc'] ?? '';
  const line = /^\s*(package-lock|frozen-lockfile|ci)\s*=\s*false\s*$/m.exec(npmrc);
  if (line) return `.npmrc's ${line[0].trim()}`;
  for (const [k, v] of Object.entries(facts.stage.envValues)) {
    if (
      /^(npm_config_package_lock|npm_config_frozen_lockfile|YARN_FROZEN_LOCKFILE)$/i.test(k) &&
      /^(false|0)$/i.test(v)
    )
      return `ENV ${k}=${v}`;
  }
  return null;
}

/**
 * The rest of a simple command after `from`, across line continuations (written with the file's
 * escape character) and the comment or blank lines inside them, up to the next operator.
 */
function restOfCommand(text: string, from: number, escape: string): string {
  const lines = text.slice(from).split(/\r\n|\r|\n/);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (i > 0 && (/^\s*#/.test(line) || line.trim() === '')) continue;
    const continues = line.trimEnd().endsWith(escape);
    if (continues) line = line.trimEnd().slice(0, -escape.length);
    kept.push(line);
    if (!continues) break;
  }
  const rest = kept.join(' ');
  const stop = rest.search(/&&|\|\||;|\|/);
  return stop < 0 ? rest : rest.slice(0, stop);
}

const COMPILING_TOOLS = new Set(NODE_FACTS.startToolsNeedingDevDependencies);

/** What pruning would remove: the lockfile's dev-only packages when it marks them (npm). */
function pruneSavings(facts: NodeFacts, devDependencies: number): string {
  const direct = `the ${devDependencies} devDependenc${devDependencies === 1 ? 'y' : 'ies'}`;
  const text = facts.appContext.files['package-lock.json'];
  if (text === undefined) return `${direct} and what only they need`;
  try {
    const lock = JSON.parse(text) as { packages?: Record<string, { dev?: boolean }> };
    const dev = Object.values(lock.packages ?? {}).filter((p) => p.dev === true).length;
    return dev > 0
      ? `${dev} packages (${direct} and what only they need, as package-lock.json marks them)`
      : `${direct} and what only they need`;
  } catch {
    return `${direct} and what only they need`;
  }
}

/** The prune command the image's package manager knows, or why there is none. */
function pruneCommand(facts: NodeFacts): { command: string } | { none: string } | null {
  if (facts.pm.flavor === null) return null;
  if (facts.pm.flavor === 'npm' && facts.base.major !== null) {
    const old = NODE_FACTS.npmPruneByNodeMajor.find((p) => facts.base.major! <= p.untilMajor);
    if (old) return old.prune === null ? { none: old.why } : { command: old.prune };
  }
  if (facts.pm.flavor === 'yarn-classic' && !facts.installLocks.some((l) => l.present))
    return {
      none: 'yarn 1 prunes only by reinstalling from yarn.lock, which the image does not have',
    };
  return { command: NODE_FACTS.installCommands[facts.pm.flavor].prune };
}

/**
 * Adds a prune of devDependencies after the builder's last RUN, when there are any to prune and
 * the app runs without them: not when the start compiles at run time (ts-node type-checks with
 * typescript and @types/*), nor when the code it runs loads a devDependency.
 */
export function pruneDevDependencies(
  facts: NodeFacts,
  writer: LineWriter,
  keep: string[] = [],
  startTool?: string,
): { changes: Change[]; warnings: Note[] } {
  const devDeps = Object.keys(facts.packageJson?.devDependencies ?? {});
  const isDevOnly = (p: string) =>
    facts.packageJson?.devDependencies?.[p] !== undefined &&
    facts.packageJson?.dependencies?.[p] === undefined;
  const lastRun = facts.stage.runs[facts.stage.runs.length - 1];
  const installs = facts.runs.some((r) => r.classes.some((c) => c.kind === 'install'));
  if (!installs || devDeps.length === 0 || facts.installOmitsDev || !lastRun)
    return { changes: [], warnings: [] };
  const kept = (why: string) => ({
    changes: [],
    warnings: [
      {
        rule: 'node/prune-dev-dependencies' as const,
        reason: `devDependencies are not pruned: ${why}`,
      },
    ],
  });
  const needed = keep.filter(isDevOnly);
  if (needed.length > 0)
    return kept(
      `the start needs ${needed.join(', ')}, which package.json lists as a devDependency (move it to dependencies to slim the image)`,
    );
  if (startTool && COMPILING_TOOLS.has(startTool))
    return kept(
      `the start runs ${startTool}, which compiles the sources when the app starts and needs the compiler, its presets and type packages (@types/*) from devDependencies`,
    );
  const modules = facts.startModules;
  if (!modules.known)
    return kept(
      `what the start loads cannot all be known (${modules.blockers.join('; ')}), and a devDependency it loads would be gone; pruning would drop ${pruneSavings(facts, devDeps.length)}`,
    );
  // A bundle inlines what its sources import: only what it leaves out loads from node_modules.
  const loaded = [...modules.packages].filter(
    ([p]) => isDevOnly(p) && !(facts.bundled && modules.inlinable.has(p)),
  );
  if (loaded.length > 0)
    return kept(
      `the running code loads ${loaded.map(([p, where]) => `${p} (${where})`).join(', ')}, which package.json lists as devDependencies (move ${loaded.length === 1 ? 'it' : 'them'} to dependencies to slim the image)`,
    );
  const prune = pruneCommand(facts);
  if (prune === null) return { changes: [], warnings: [] };
  if ('none' in prune) return kept(prune.none);
  const { doc } = facts.stage;
  // Inserted at the end of the RUN's own text (before its line break), so deletions of the lines
  // after it never swallow the insertion.
  const [, end] = rangeOffsets(doc, lastRun.ins.getRange());
  return {
    warnings: [],
    changes: [
      {
        note: {
          rule: 'node/prune-dev-dependencies',
          reason: `${prune.command} after the build: the ${devDeps.length} devDependencies stay out of the final image`,
        },
        edits: [insertLines(end, writer.line('RUN', prune.command), writer, LINE_ORDER.prune)],
      },
    ],
  };
}

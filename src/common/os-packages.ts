import { roughWords } from '../dockerfile/shell-words';
import type { RunStep } from '../dockerfile/stage';

/** One OS package install command: the tool, the packages it names, and an apk --virtual group. */
export interface OsPackageInstall {
  tool: 'apt' | 'apk' | 'other';
  /** Index of the command in its RUN's command list. */
  command: number;
  packages: string[];
  /** `apk add --virtual .build-deps ...`: the group name, which `apk del` removes as a whole. */
  virtual: string | null;
}

const INSTALLERS: Record<string, { verbs: string[]; tool: OsPackageInstall['tool'] }> = {
  'apt-get': { verbs: ['install'], tool: 'apt' },
  apt: { verbs: ['install'], tool: 'apt' },
  aptitude: { verbs: ['install'], tool: 'apt' },
  apk: { verbs: ['add'], tool: 'apk' },
  yum: { verbs: ['install'], tool: 'other' },
  dnf: { verbs: ['install'], tool: 'other' },
  microdnf: { verbs: ['install'], tool: 'other' },
};
const REMOVERS: Record<string, string[]> = {
  'apt-get': ['remove', 'purge', 'autoremove'],
  apt: ['remove', 'purge', 'autoremove'],
  apk: ['del'],
};

/** The words of a command past `sudo` and VAR=value prefixes. */
function commandWords(command: string): string[] {
  const words = roughWords(command).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return words[0] === 'sudo' ? words.slice(1) : words;
}

/** The package names of an install or removal, past its options and their values. */
function packageNames(words: string[], from: number): string[] {
  const names: string[] = [];
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-')) {
      if (VALUE_OPTIONS.has(w)) i++;
      continue;
    }
    names.push(w.replace(/[=<>~].*$/, ''));
  }
  return names;
}

/** The OS package installs of a RUN, command by command. */
export function osPackageInstalls(run: Pick<RunStep, 'commands'>): OsPackageInstall[] {
  const out: OsPackageInstall[] = [];
  run.commands.forEach((command, index) => {
    const words = commandWords(command);
    const installer = INSTALLERS[words[0] ?? ''];
    if (!installer) return;
    const verb = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
    if (verb < 0 || !installer.verbs.includes(words[verb])) return;
    const at = words.indexOf('--virtual');
    const virtual =
      at >= 0
        ? (words[at + 1] ?? null)
        : words.includes('-t') && installer.tool === 'apk'
          ? (words[words.indexOf('-t') + 1] ?? null)
          : null;
    out.push({
      tool: installer.tool,
      command: index,
      packages: packageNames(words, verb + 1),
      virtual,
    });
  });
  return out;
}

/**
 * The OS packages a stage installs and still has at its end: what `apt-get install` / `apk add`
 * name, minus what a later `apt-get purge`/`remove` or `apk del` takes away (an apk --virtual
 * group removed as a whole takes its packages with it).
 */
export function keptOsPackages(runs: readonly RunStep[]): string[] {
  const installs = runs.flatMap((run) =>
    osPackageInstalls(run).map((i) => ({ ...i, order: runs.indexOf(run) * 1000 + i.command })),
  );
  const kept = new Map<string, number>();
  for (const i of installs) for (const p of i.packages) if (!kept.has(p)) kept.set(p, i.order);
  runs.forEach((run, r) => {
    run.commands.forEach((command, c) => {
      const words = commandWords(command);
      const verbs = REMOVERS[words[0] ?? ''];
      if (!verbs) return;
      const verb = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
      if (verb < 0 || !verbs.includes(words[verb])) return;
      const order = r * 1000 + c;
      for (const name of packageNames(words, verb + 1)) {
        const group = installs.find((i) => i.virtual === name && i.order < order);
        for (const p of group ? group.packages : [name])
          if ((kept.get(p) ?? Infinity) < order) kept.delete(p);
      }
    });
  });
  return [...kept.keys()];
}

const INDEX_UPDATE = /^\s*(?:\w+=\S*\s+)*(apt-get|apt)\s+(-\S+\s+)*update\b|^\s*apk\s+update\b/;
const INSTALL = /^\s*(?:\w+=\S*\s+)*(apt-get|apt)\s+(-\S+\s+)*install\b|^\s*apk\s+add\b/;
const CLEANUP =
  /^\s*rm\s+-rf?\s+\/var\/lib\/apt\/lists|^\s*(apt-get|apt)\s+clean\b|^\s*rm\s+-rf?\s+\/var\/cache\/apk/;
/** Options of apt-get and apk that take the next word as their value. */
const VALUE_OPTIONS = new Set([
  '-o',
  '--option',
  '-t',
  '--target-release',
  '--virtual',
  '-X',
  '--repository',
]);

/**
 * The OS package install of one builder RUN, alone, for a final stage that has the same package
 * manager: the index update, the install of the packages the app needs at run time (with the
 * original's flags), and the cleanup, without the commands around them (an `npm install` on
 * the same line would fail in a final stage without package.json). Null when the RUN installs
 * none of them.
 */
export function runtimePackageInstall(
  run: RunStep,
  runtime: readonly string[],
): { command: string; whole: boolean } | null {
  const kept: string[] = [];
  let installs = 0;
  let dropped = 0;
  for (const command of run.commands) {
    const text = command.trim();
    if (INDEX_UPDATE.test(text) || CLEANUP.test(text)) {
      kept.push(text);
      continue;
    }
    if (!INSTALL.test(text)) {
      dropped++;
      continue;
    }
    const words = roughWords(text);
    const out: string[] = [];
    let packages = 0;
    const verb = words.findIndex((w) => w === 'install' || w === 'add');
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (i <= verb || w.startsWith('-')) {
        out.push(w);
        if (VALUE_OPTIONS.has(w) && i + 1 < words.length) out.push(words[++i]);
        continue;
      }
      if (runtime.includes(w.replace(/[=<>~].*$/, ''))) {
        out.push(w);
        packages++;
      } else dropped++;
    }
    if (packages === 0) continue;
    installs++;
    kept.push(out.map(quoteWord).join(' '));
  }
  // `whole`: the RUN is nothing but this install, so its own text (continuations and all) can stay.
  return installs > 0 ? { command: kept.join(' && '), whole: dropped === 0 } : null;
}

function quoteWord(w: string): string {
  return /^[\w@%+=:,./<>~*-]+$/.test(w) && !/[<>*]/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

import { NODE_FACTS } from '../templates';
import { roughWords } from '../dockerfile/shell-words';

export type PackageManager = 'npm' | 'yarn' | 'pnpm';
export type PmFlavor = 'npm' | 'yarn-classic' | 'yarn-berry' | 'pnpm';

export interface PackageManagerFacts {
  /** The manager the Dockerfile's install step uses, else the one the lockfile names. */
  manager: PackageManager | null;
  flavor: PmFlavor | null;
  lockfiles: string[];
  /** True when the lockfile of `manager` is in the build context. */
  hasLockfile: boolean;
  conflictingLockfiles: boolean;
}

const LOCKFILES = NODE_FACTS.lockfiles as Record<string, PackageManager>;

export function detectPackageManager(
  paths: readonly string[],
  files: Record<string, string>,
  commandManager: PackageManager | null,
  appPrefix = '',
): PackageManagerFacts {
  const lockfiles = Object.keys(LOCKFILES).filter((name) => paths.includes(appPrefix + name));
  const managers = new Set(lockfiles.map((l) => LOCKFILES[l]));
  const manager = commandManager ?? (managers.size === 1 ? [...managers][0] : null);
  const hasLockfile = manager !== null && lockfiles.some((l) => LOCKFILES[l] === manager);
  let flavor: PmFlavor | null = manager === 'yarn' ? 'yarn-classic' : manager;
  if (manager === 'yarn') {
    const lock = files[appPrefix + 'yarn.lock'] ?? '';
    const berry = paths.includes(appPrefix + '.yarnrc.yml') || /^__metadata:/m.test(lock);
    flavor = berry ? 'yarn-berry' : 'yarn-classic';
  }
  return { manager, flavor, lockfiles, hasLockfile, conflictingLockfiles: managers.size > 1 };
}

export type RunKind = 'install' | 'global-install' | 'build' | 'os-packages' | 'other';

export interface CommandClass {
  kind: RunKind;
  manager?: PackageManager;
  /** For os-packages: the package names; for global-install: the packages. */
  packages?: string[];
  /** For build: the script or tool run (`build`, `tsc`). */
  script?: string;
  /** For install: whether dev dependencies are left out already. */
  omitsDev?: boolean;
}

/** Classifies one simple command of a RUN step. */
export function classifyCommand(command: string): CommandClass {
  const words = roughWords(command);
  const [tool, verb, ...rest] = words;
  const flags = rest.filter((w) => w.startsWith('-'));
  const operands = rest.filter((w) => !w.startsWith('-'));
  const omitsDev = flags.some((f) => /^--(production|prod|omit=dev|only=prod(uction)?)$/.test(f));
  if (tool === 'npm') {
    if (['install', 'i', 'ci', 'add', 'isntall'].includes(verb ?? '')) {
      if (flags.includes('-g') || flags.includes('--global'))
        return { kind: 'global-install', manager: 'npm', packages: operands };
      if (verb === 'ci' || operands.length === 0)
        return { kind: 'install', manager: 'npm', omitsDev };
      return { kind: 'other', manager: 'npm' };
    }
    if ((verb === 'run' || verb === 'run-script') && operands[0])
      return { kind: 'build', manager: 'npm', script: operands[0] };
    return { kind: 'other', manager: 'npm' };
  }
  if (tool === 'yarn') {
    if (verb === undefined || verb === 'install' || verb.startsWith('-'))
      return { kind: 'install', manager: 'yarn', omitsDev };
    if (verb === 'global' && rest[0] === 'add')
      return {
        kind: 'global-install',
        manager: 'yarn',
        packages: rest.slice(1).filter((w) => !w.startsWith('-')),
      };
    if (verb === 'add' || verb === 'set' || verb === 'config' || verb === 'cache')
      return { kind: 'other', manager: 'yarn' };
    if (verb === 'run' && operands[0])
      return { kind: 'build', manager: 'yarn', script: operands[0] };
    return { kind: 'build', manager: 'yarn', script: verb };
  }
  if (tool === 'pnpm') {
    if (verb === 'install' || verb === 'i') return { kind: 'install', manager: 'pnpm', omitsDev };
    if (
      (verb === 'add' || verb === 'install') &&
      (flags.includes('-g') || flags.includes('--global'))
    ) {
      return { kind: 'global-install', manager: 'pnpm', packages: operands };
    }
    if (verb === 'run' && operands[0])
      return { kind: 'build', manager: 'pnpm', script: operands[0] };
    if (
      verb &&
      !verb.startsWith('-') &&
      !['add', 'fetch', 'config', 'store', 'setup', 'env'].includes(verb)
    ) {
      return { kind: 'build', manager: 'pnpm', script: verb };
    }
    return { kind: 'other', manager: 'pnpm' };
  }
  if (tool === 'tsc' || (tool === 'npx' && verb === 'tsc')) return { kind: 'build', script: 'tsc' };
  if (
    tool === 'npx' &&
    verb &&
    [
      'vite',
      'next',
      'ng',
      'webpack',
      'nest',
      'react-scripts',
      'nuxt',
      'nuxi',
      'astro',
      'gatsby',
      'remix',
      'vue-cli-service',
      'svelte-kit',
    ].includes(verb)
  ) {
    return { kind: 'build', script: [verb, ...rest].join(' ') };
  }
  const osPackages = osPackagesOf(words);
  if (osPackages) return { kind: 'os-packages', packages: osPackages };
  return { kind: 'other' };
}

function osPackagesOf(words: string[]): string[] | null {
  const [tool, verb] = words;
  const installs =
    ((tool === 'apt-get' ||
      tool === 'apt' ||
      tool === 'yum' ||
      tool === 'dnf' ||
      tool === 'microdnf') &&
      verb === 'install') ||
    (tool === 'apk' && verb === 'add');
  if (!installs) return null;
  const names: string[] = [];
  for (let i = 2; i < words.length; i++) {
    const w = words[i];
    if (w === '--virtual' || w === '-t') {
      i++;
      continue;
    }
    if (w.startsWith('-')) continue;
    names.push(w.replace(/[=<>~].*$/, ''));
  }
  return names;
}

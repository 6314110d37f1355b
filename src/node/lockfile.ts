import posix from 'path/posix';
import { copySourceMatches, hasWildcard } from '../build-context/path-pattern';
import { NODE_FACTS } from '../templates';
import type { BuildContext } from '../types';
import { parseDockerIgnore } from '../build-context/dockerignore';
import { imagePathOf } from '../dockerfile/copies';
import { RunStep, StageFacts } from '../dockerfile/stage';
import type { PackageJson } from './package-json';
import { satisfies } from './version-range';

/**
 * Whether the lockfile is in the image where an install runs: copied before that RUN into its
 * working directory (by name, by a wildcard, or with the whole context), and not left out by
 * .dockerignore. What the context holds is not enough: `COPY package.json .` leaves it behind.
 */
export function lockfileAtInstall(
  stage: StageFacts,
  run: RunStep,
  cwd: string,
  lockPath: string,
  context: BuildContext,
): boolean {
  const ignore =
    context.files['.dockerignore'] !== undefined
      ? parseDockerIgnore(context.files['.dockerignore'])
      : null;
  if (ignore?.isExcluded(lockPath)) return false;
  const runLine = run.ins.getRange().start.line;
  const lockName = posix.basename(lockPath);
  const target = posix.join(cwd, lockName);
  const before = stage.copies.filter(
    (c) => c.fromStage === null && !c.isHeredoc && c.ins.getRange().start.line < runLine,
  );
  // A wildcard in the lockfile's folder (COPY package*.json ./) brings it along.
  const byWildcard = before.some((c) => {
    const destIsDir = c.dest.endsWith('/');
    const dest = c.dest.replace(/\/$/, '') || '/';
    return c.sources.some((raw) => {
      const src = posix
        .normalize('/' + raw)
        .slice(1)
        .replace(/\/$/, '');
      if (!hasWildcard(src) || posix.dirname(src) !== posix.dirname(lockPath)) return false;
      return (
        copySourceMatches(posix.basename(src), lockName) &&
        (destIsDir ? posix.join(dest, lockName) : dest) === target
      );
    });
  });
  // By name, inside a copied folder, or with the whole context.
  return (
    byWildcard || imagePathOf({ ...stage, copies: before }, context.paths, lockPath) === target
  );
}

export interface LockAgreement {
  agrees: boolean;
  /** Set when agreement cannot be checked here, rather than found wrong. */
  unchecked?: boolean;
  /** Set when the lockfile is in a format the package manager no longer reads. */
  tooOld?: boolean;
  /** Why not, for the warning. */
  reason?: string;
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * Whether the lockfile's root dependencies match package.json, as `npm ci` and
 * `--frozen-lockfile` require (they stop when the two are out of sync).
 */
export function lockfileAgrees(pkg: PackageJson, lockName: string, text: string): LockAgreement {
  const wanted: Array<[string, string]> = [];
  for (const f of DEP_FIELDS)
    for (const [name, range] of Object.entries(
      (pkg as Record<string, Record<string, string> | undefined>)[f] ?? {},
    ))
      wanted.push([name, String(range)]);
  if (lockName === 'package-lock.json' || lockName === 'npm-shrinkwrap.json')
    return npmAgrees(pkg, wanted, text);
  if (lockName === 'yarn.lock') return yarnAgrees(wanted, text);
  return pnpmAgrees(wanted, text);
}

function npmAgrees(pkg: PackageJson, wanted: Array<[string, string]>, text: string): LockAgreement {
  let lock: {
    lockfileVersion?: number;
    packages?: Record<string, Record<string, Record<string, string> | undefined>>;
    dependencies?: Record<string, unknown>;
  };
  try {
    lock = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { agrees: false, reason: 'package-lock.json is not valid JSON' };
  }
  const root = lock.packages?.[''];
  if (root) {
    // npm ci (8 to 11) stops when the tree package.json asks for differs from the lock's: a
    // dependency the lock lacks, or whose locked version its range does not take. A range
    // written differently that the locked version satisfies, a dependency moved between
    // fields, and one package.json no longer names (npm prunes it) all install.
    for (const f of DEP_FIELDS) {
      const a = (pkg as Record<string, Record<string, string> | undefined>)[f] ?? {};
      const b = root[f] ?? {};
      for (const n of Object.keys(a)) {
        if (a[n] === b[n]) continue;
        const locked = lock.packages?.[`node_modules/${n}`]?.version;
        if (typeof locked === 'string' && satisfies(locked, String(a[n])) === true) continue;
        return {
          agrees: false,
          reason: `package.json ${f} has ${n}@${a[n]}, package-lock.json ${typeof locked === 'string' ? `locks ${n} ${locked}${b[n] ? ` (for ${b[n]})` : ''}` : 'does not list it'}`,
        };
      }
    }
    return { agrees: true };
  }
  if (lock.lockfileVersion === undefined && wanted.length > 0)
    return {
      agrees: false,
      reason: 'package-lock.json has no lockfileVersion and lists no packages',
    };
  const listed = lock.dependencies ?? {};
  const missing = wanted.find(([n]) => !(n in listed));
  if (missing) return { agrees: false, reason: `package-lock.json does not list ${missing[0]}` };
  // A real repository's lockfileVersion 1 file passed the check above, and npm 10 then stopped
  // at "lock file's glob-parent@6.0.2 does not satisfy glob-parent@5.1.2", deep in the tree.
  return wanted.length === 0
    ? { agrees: true }
    : {
        agrees: false,
        unchecked: true,
        reason:
          'it is lockfileVersion 1 (npm 6), and npm 7 and later check its whole tree and stop at any nested mismatch',
      };
}

function yarnAgrees(wanted: Array<[string, string]>, text: string): LockAgreement {
  const keys = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s|^#|^$/.test(line)) continue;
    for (const key of line.replace(/:$/, '').split(/,\s*/)) keys.add(key.replace(/^"|"$/g, ''));
  }
  for (const [name, range] of wanted) {
    if (!keys.has(`${name}@${range}`) && !keys.has(`${name}@npm:${range}`))
      return { agrees: false, reason: `yarn.lock has no entry for ${name}@${range}` };
  }
  return { agrees: true };
}

function pnpmAgrees(wanted: Array<[string, string]>, text: string): LockAgreement {
  let doc: Record<string, unknown>;
  try {
    // Loaded on first use: few Dockerfiles meet a pnpm lockfile.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    doc = ((require('yaml') as typeof import('yaml')).parse(text) ?? {}) as Record<string, unknown>;
  } catch {
    return { agrees: false, reason: 'pnpm-lock.yaml does not parse' };
  }
  const version = parseFloat(String(doc.lockfileVersion ?? ''));
  const oldest = NODE_FACTS.installCommands.pnpm.oldestFrozenLockfile;
  if (!Number.isNaN(version) && version < oldest)
    return {
      agrees: false,
      tooOld: true,
      reason: `pnpm-lock.yaml is lockfile v${String(doc.lockfileVersion)}, which pnpm 8 and later (a global pnpm without a version is the newest) set aside as incompatible, so a frozen install stops`,
    };
  const importer = ((doc.importers as Record<string, Record<string, unknown>> | undefined)?.['.'] ??
    doc) as Record<string, unknown>;
  const specifiers: Record<string, string> = {
    ...((importer.specifiers as Record<string, string> | undefined) ?? {}),
  };
  for (const f of DEP_FIELDS) {
    for (const [n, v] of Object.entries((importer[f] as Record<string, unknown> | undefined) ?? {}))
      if (v && typeof v === 'object' && 'specifier' in v)
        specifiers[n] = String((v as { specifier: unknown }).specifier);
  }
  for (const [name, range] of wanted) {
    if (specifiers[name] !== range)
      return {
        agrees: false,
        reason: `pnpm-lock.yaml has ${name}${specifiers[name] ? `@${specifiers[name]}` : ' missing'}, package.json ${range}`,
      };
  }
  return { agrees: true };
}

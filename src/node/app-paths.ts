import posix from 'path/posix';
import { shellPath, StageFacts } from '../dockerfile/stage';
import { roughWords } from '../dockerfile/shell-words';
import type { Skip } from '../types';
import { parseDockerIgnore } from '../build-context/dockerignore';

export interface AppPaths {
  /** The folder holding the app in the builder; copied whole to the final stage. */
  appDir: string;
  /** The working directory of the running app (the original's, `/` when it set none). */
  workdir: string;
  /** Paths outside appDir that the build put files into (COPY destinations, mkdir targets). */
  extra: string[];
  /**
   * When the app was copied into / itself: the top-level files and folders it consists of (the
   * context's, after .dockerignore, and node_modules), each copied on its own.
   */
  rootEntries?: string[];
  /**
   * The whole context was copied into /: everything at / but the OS's own folders is gathered in
   * the builder after the build and copied back, so files made before docker build travel too.
   */
  rootAssembly?: { exclude: string[] };
}

/** What an app copied into / may consist of besides the context: only what its install made. */
export interface RootAppFacts {
  dockerignore: string | null;
  hasBuildStep: boolean;
  /** Folders installs ran in (node_modules appears there). */
  installCwds: string[];
}

// Folders of the OS: an app entry of that name merges into the builder's own, which must not
// travel to the final image.
const SYSTEM_DIRS = new Set([
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
  'nodejs',
]);

/** Where the app lives, and what else outside it must come along to the final stage. */
export function findAppPaths(
  facts: StageFacts,
  paths: readonly string[],
  root?: RootAppFacts,
): AppPaths | Skip {
  const workdir = facts.workdir ?? '/';
  let appDir = facts.workdir;
  if (appDir === null || appDir === '/') {
    const dotCopy = facts.copies.find(
      (c) => c.fromStage === null && c.sources.includes('.') && c.dest !== '/',
    );
    appDir = dotCopy ? dotCopy.dest.replace(/\/$/, '') : null;
  }
  if (appDir === null || appDir === '/') return rootApp(facts, paths, root);
  const inApp = (p: string) => p === appDir || p.startsWith(appDir + '/');
  const extra = new Set<string>();
  for (const c of facts.copies) {
    if (c.fromStage !== null) continue;
    const dest = c.dest.replace(/\/$/, '') || '/';
    if (inApp(dest)) continue;
    if (c.dest.endsWith('/') && !c.isHeredoc) {
      for (const src of c.sources) {
        const clean = src.replace(/\/$/, '');
        const isDir = paths.some((p) => p.startsWith(clean + '/'));
        // ADD unpacks a local archive into the destination folder instead of copying the file.
        const unpacked =
          c.keyword === 'ADD' &&
          !/^[a-z]+:\/\//.test(clean) &&
          /\.(tar|tar\.(gz|bz2|xz)|tgz|tbz2?|txz)$/.test(clean);
        extra.add(
          isDir || unpacked || clean === '.' ? dest : posix.join(dest, posix.basename(clean)),
        );
      }
    } else {
      extra.add(dest);
    }
  }
  for (const run of facts.runs) {
    for (const cmd of run.commands) {
      const words = roughWords(cmd);
      if (words[0] !== 'mkdir') continue;
      for (const w of words.slice(1)) {
        if (w.startsWith('-')) continue;
        const p = shellPath(w, run, facts);
        if (p === null) continue;
        if (!inApp(p) && p !== '/tmp') extra.add(p);
      }
    }
  }
  const sorted = [...extra].filter((p) => p !== '/').sort();
  const minimal = sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(q + '/')));
  return { appDir, workdir, extra: minimal };
}

/**
 * An app copied into / (no WORKDIR): its files are the context's top-level entries (what
 * .dockerignore lets in) plus node_modules from an install there, each copied to the same path.
 * Not when a build adds outputs the tool cannot list, or an entry merges into an OS folder.
 */
function rootApp(
  facts: StageFacts,
  paths: readonly string[],
  root?: RootAppFacts,
): AppPaths | Skip {
  const refuse = (why: string): Skip => ({
    rule: 'common/app-directory',
    reason: `the app is copied into / (no WORKDIR) and ${why}, so it cannot be copied apart from the OS`,
    suggestion: 'add WORKDIR /app before the COPY steps',
  });
  const whole = facts.copies.some(
    (c) => c.fromStage === null && c.dest === '/' && c.sources.some((s) => s === '.' || s === './'),
  );
  if (!whole && (!root || paths.length === 0)) return refuse('its files cannot be listed');
  if (!whole && root?.hasBuildStep)
    return refuse('a build step adds files whose names are not known');
  const ignore = root?.dockerignore ? parseDockerIgnore(root.dockerignore) : null;
  const entries = new Set<string>();
  if (whole) {
    for (const p of paths)
      if (!p.slice(0, -1).includes('/') && !ignore?.isExcluded(p.replace(/\/$/, '')))
        entries.add(p.replace(/\/$/, ''));
  } else {
    // COPY app.js / or COPY lib /lib: each brings one top-level entry of its own.
    for (const c of facts.copies) {
      if (c.fromStage !== null || c.isHeredoc) continue;
      const top = c.dest.split('/')[1];
      if (top === '' || top === undefined) {
        if (!c.dest.endsWith('/'))
          return refuse(`${c.keyword} ${c.sources.join(' ')} ${c.dest} cannot be followed`);
        for (const s of c.sources) {
          const name = posix.basename(s.replace(/\/$/, ''));
          // A folder (written with its slash, or one the context has) spreads its content over /.
          if (/[*?[$]/.test(s) || s.endsWith('/') || paths.includes(s.replace(/\/$/, '') + '/'))
            return refuse(`${c.keyword} ${s} / spreads a folder or a wildcard over /`);
          entries.add(name);
        }
      } else entries.add(top);
    }
    if (entries.size === 0) return refuse('nothing of the context is copied');
  }
  if (root?.installCwds.includes('/')) entries.add('node_modules');
  const clash = [...entries].find((e) => SYSTEM_DIRS.has(e));
  if (clash) return refuse(`its ${clash}/ merges into the OS folder of that name`);
  return {
    appDir: '/',
    workdir: '/',
    extra: [],
    rootEntries: [...entries].sort(),
    ...(whole ? { rootAssembly: { exclude: [...SYSTEM_DIRS].sort() } } : {}),
  };
}

import posix from 'path/posix';
import { StageFacts } from '../analyze/stage';
import { roughWords } from '../shell-words';
import type { Skip } from '../types';

export interface AppPaths {
  /** The folder holding the app in the builder; copied whole to the final stage. */
  appDir: string;
  /** The working directory of the running app (the original's, `/` when it set none). */
  workdir: string;
  /** Paths outside appDir that the build put files into (COPY destinations, mkdir targets). */
  extra: string[];
}

/** Where the app lives, and what else outside it must come along to the final stage. */
export function findAppPaths(facts: StageFacts, paths: readonly string[]): AppPaths | Skip {
  const workdir = facts.workdir ?? '/';
  let appDir = facts.workdir;
  if (appDir === null || appDir === '/') {
    const dotCopy = facts.copies.find(
      (c) => c.fromStage === null && c.sources.includes('.') && c.dest !== '/',
    );
    appDir = dotCopy ? dotCopy.dest.replace(/\/$/, '') : null;
  }
  if (appDir === null || appDir === '/') {
    return {
      rule: 'common/app-directory',
      reason: 'the app is copied into / (no WORKDIR), so it cannot be copied apart from the OS',
      suggestion: 'add WORKDIR /app before the COPY steps',
    };
  }
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
        if (w.startsWith('-') || w.includes('$')) continue;
        const p = posix.resolve(run.workdir, w);
        if (!inApp(p) && p !== '/tmp') extra.add(p);
      }
    }
  }
  const sorted = [...extra].filter((p) => p !== '/').sort();
  const minimal = sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(q + '/')));
  return { appDir, workdir, extra: minimal };
}

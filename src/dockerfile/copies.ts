import posix from 'path/posix';
import type { CopyStep, StageFacts } from './stage';
import { patternToRegExp } from '../build-context/path-pattern';

/**
 * Where the build context's files land in the image, by Docker's COPY rules: `.` and a folder
 * copy their contents into the destination folder; a file lands at the destination, or inside it
 * when it ends with `/` or several sources are given. Wildcard sources are not followed.
 */
interface Mapping {
  /** Context path of the source ('' for the whole context). */
  source: string;
  isDir: boolean;
  /** Image path it lands at. */
  target: string;
}

/**
 * Where each COPY's sources land, by step and context (imagePathOf and contextPathOf ask for
 * every path of a context, so per step and context test it is worked out once). Both keys are
 * objects the analysis keeps for the whole Dockerfile.
 */
const mappingsByCopy = new WeakMap<CopyStep, WeakMap<(p: string) => boolean, Mapping[]>>();

function mappingsOf(copy: CopyStep, isContextDir: (p: string) => boolean): Mapping[] {
  let byTest = mappingsByCopy.get(copy);
  if (byTest === undefined) mappingsByCopy.set(copy, (byTest = new WeakMap()));
  let mappings = byTest.get(isContextDir);
  if (mappings === undefined)
    byTest.set(isContextDir, (mappings = computeMappings(copy, isContextDir)));
  return mappings;
}

function computeMappings(copy: CopyStep, isContextDir: (p: string) => boolean): Mapping[] {
  if (copy.fromStage !== null || copy.isHeredoc) return [];
  const destIsDir = copy.dest.endsWith('/');
  const dest = copy.dest.replace(/\/$/, '') || '/';
  const out: Mapping[] = [];
  for (const raw of copy.sources) {
    if (/[*?[$]/.test(raw) || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) continue;
    const source = posix
      .normalize('/' + raw)
      .slice(1)
      .replace(/\/$/, '');
    if (source === '' || source === '.') out.push({ source: '', isDir: true, target: dest });
    // A source written with a trailing slash is a folder even when the context lacks it (host-built).
    else if (isContextDir(source) || raw.endsWith('/'))
      out.push({ source, isDir: true, target: dest });
    else
      out.push({
        source,
        isDir: false,
        target: destIsDir ? posix.join(dest, posix.basename(source)) : dest,
      });
  }
  return out;
}

/** The folders of a context's listing, once per listing (a context's paths never change). */
const dirTests = new WeakMap<readonly string[], (p: string) => boolean>();

function contextDirTest(paths: readonly string[]): (p: string) => boolean {
  let test = dirTests.get(paths);
  if (test === undefined) {
    const dirs = new Set(paths.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));
    test = (p) => dirs.has(p);
    dirTests.set(paths, test);
  }
  return test;
}

/** The context path an image path came from (the last COPY that put it there), or null. */
export function contextPathOf(
  facts: StageFacts,
  paths: readonly string[],
  imagePath: string,
): string | null {
  const isDir = contextDirTest(paths);
  for (const copy of [...facts.copies].reverse()) {
    for (const m of mappingsOf(copy, isDir)) {
      if (m.isDir) {
        if (imagePath === m.target) return m.source;
        if (imagePath.startsWith(m.target === '/' ? '/' : m.target + '/')) {
          const rel = posix.relative(m.target, imagePath);
          return m.source === '' ? rel : posix.join(m.source, rel);
        }
      } else if (imagePath === m.target) return m.source;
    }
  }
  return null;
}

/** The image path a context path is copied to (by the last COPY that brings it), or null. */
export function imagePathOf(
  facts: StageFacts,
  paths: readonly string[],
  contextPath: string,
): string | null {
  const isDir = contextDirTest(paths);
  const clean = posix
    .normalize(contextPath)
    .replace(/^\.(\/|$)/, '')
    .replace(/\/$/, '');
  for (const copy of [...facts.copies].reverse()) {
    for (const m of mappingsOf(copy, isDir)) {
      if (m.source === clean) return m.target;
      if (m.isDir && (m.source === '' || clean.startsWith(m.source + '/')))
        return posix.join(m.target, m.source === '' ? clean : posix.relative(m.source, clean));
    }
  }
  return null;
}

/**
 * Whether some COPY or ADD could put anything at this image path: one that maps a context path
 * there, or one this model does not follow (a wildcard, a variable, a URL, an archive, another
 * stage or image) whose destination could hold it. False only when every COPY is followed and
 * none lands there.
 */
export function mayBeCopied(
  facts: StageFacts,
  paths: readonly string[],
  imagePath: string,
): boolean {
  if (contextPathOf(facts, paths, imagePath) !== null) return true;
  return facts.copies.some((copy) => {
    const dest = copy.dest.replace(/\/$/, '') || '/';
    const within = imagePath === dest || imagePath.startsWith(dest === '/' ? '/' : dest + '/');
    if (!within) return false;
    if (copy.fromStage !== null || copy.isHeredoc) return true;
    return copy.sources.some((s) => {
      if (/\$/.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return true;
      if (copy.keyword === 'ADD' && /\.(tar|tgz|gz|bz2|xz|zip)$/.test(s)) return true;
      if (!/[*?[]/.test(s)) {
        // A source the listing lacks (built on the host) may be a folder, whose content COPY
        // spreads into the destination (COPY dist .): anything under it may come from there.
        const clean = posix
          .normalize('/' + s)
          .slice(1)
          .replace(/\/$/, '');
        return contextHas(paths, clean) === null;
      }
      // A wildcard copies each context path it matches into the destination folder by its name.
      const re = patternToRegExp(posix.normalize('/' + s).slice(1), { escapes: true });
      return paths.some((p) => {
        const clean = p.replace(/\/$/, '');
        if (!re.test(clean)) return false;
        const landed = posix.join(dest, posix.basename(clean));
        return imagePath === landed || (p.endsWith('/') && imagePath.startsWith(landed + '/'));
      });
    });
  });
}

/** Whether the build context has this path, as a file or a folder. */
export function contextHas(paths: readonly string[], contextPath: string): 'file' | 'dir' | null {
  const clean = contextPath.replace(/\/$/, '');
  if (clean === '') return 'dir';
  if (paths.includes(clean + '/')) return 'dir';
  if (paths.includes(clean)) return 'file';
  return null;
}

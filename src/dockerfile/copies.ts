import posix from 'path/posix';
import type { CopyStep, StageFacts } from './stage';

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

/** Whether the build context has this path, as a file or a folder. */
export function contextHas(paths: readonly string[], contextPath: string): 'file' | 'dir' | null {
  const clean = contextPath.replace(/\/$/, '');
  if (clean === '') return 'dir';
  if (paths.includes(clean + '/')) return 'dir';
  if (paths.includes(clean)) return 'file';
  return null;
}

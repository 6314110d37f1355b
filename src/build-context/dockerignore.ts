import { hasWildcard, patternToRegExp } from './path-pattern';

/**
 * .dockerignore matching as BuildKit does it (moby/patternmatcher): patterns are anchored at the
 * context root (unlike .gitignore), `**` spans folders, `*` and `?` stay inside one, a pattern
 * that matches a folder excludes everything below it, `!` re-includes, and the last match wins.
 */
export interface DockerIgnore {
  isExcluded(path: string): boolean;
  /** Whether some `!` pattern could re-include a path below `dir` (then the folder is not gone). */
  mayReinclude(dir: string): boolean;
}

interface Pattern {
  negate: boolean;
  re: RegExp;
  text: string;
}

/**
 * The analysis of one Dockerfile asks for its context's .dockerignore several times (COPY
 * sources, the lockfile, secrets, node_modules, the runtime folders): parsed once per text. The
 * rules are immutable, so every caller may share them.
 */
const parsed = new Map<string, DockerIgnore>();
const KEPT_PARSES = 16;

export function parseDockerIgnore(text: string): DockerIgnore {
  let rules = parsed.get(text);
  if (rules === undefined) {
    rules = compileDockerIgnore(text);
    if (parsed.size >= KEPT_PARSES) parsed.clear();
    parsed.set(text, rules);
  }
  return rules;
}

function compileDockerIgnore(text: string): DockerIgnore {
  const patterns: Pattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = cleanPath(line);
    if (line === '') continue;
    patterns.push({ negate, re: patternToRegExp(line, { escapes: true }), text: line });
  }
  const matches = (p: Pattern, path: string) => {
    if (p.re.test(path)) return true;
    // A pattern that matches a parent folder matches everything inside it.
    let i = path.indexOf('/');
    while (i > 0) {
      if (p.re.test(path.slice(0, i))) return true;
      i = path.indexOf('/', i + 1);
    }
    return false;
  };
  return {
    isExcluded(path: string): boolean {
      const clean = cleanPath(path);
      let excluded = false;
      for (const p of patterns) if (matches(p, clean)) excluded = !p.negate;
      return excluded;
    },
    mayReinclude(dir: string): boolean {
      const clean = cleanPath(dir);
      return patterns.some(
        (p) => p.negate && (p.text.startsWith(clean + '/') || hasWildcard(p.text)),
      );
    },
  };
}

/** filepath.Clean on a slash path, relative to the context root. */
function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

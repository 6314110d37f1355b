import posix from 'path/posix';
import ignore from 'ignore';

/** .gitignore rules over paths of the build context. */
export interface GitIgnore {
  /** Whether .gitignore lists the path; never for a path outside the context (`../x`, `/x`). */
  ignores(path: string): boolean;
}

/**
 * The context root's .gitignore. Paths the tool derives from code and Dockerfiles can climb out
 * of the context (`require('../package.json')`) or be absolute: no .gitignore of the context
 * speaks for them, and the matcher would throw on them, so they are never listed.
 */
export function parseGitIgnore(text: string): GitIgnore {
  const rules = ignore().add(text);
  return {
    ignores(path: string): boolean {
      const trailing = path.endsWith('/') ? '/' : '';
      const clean = posix.normalize(path);
      if (clean === '.' || clean === '/' || clean.startsWith('../') || clean === '..') return false;
      if (clean.startsWith('/')) return false;
      return rules.ignores(clean.replace(/\/$/, '') + trailing);
    },
  };
}

import { patternToRegExp } from '../build-context/path-pattern';

/** Glob to RegExp for command-line paths: `**` any folders, `*` and `?` within a name, `[...]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  return patternToRegExp(glob, { braces: true });
}

export function isGlob(input: string): boolean {
  return /[*?[{]/.test(input);
}

/** The folder part of a glob before its first wildcard: where the walk starts. */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const p of parts) {
    if (isGlob(p)) break;
    fixed.push(p);
  }
  if (fixed.length === parts.length) fixed.pop();
  return fixed.join('/') || '.';
}

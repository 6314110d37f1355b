import posix from 'path/posix';
import { patternToRegExp } from './path-pattern';
import { FILE_FACTS } from '../templates';
import type { Note } from '../types';

const matcher = (patterns: readonly string[]) => {
  const res = patterns.map((p) => patternToRegExp(p));
  return (name: string) => res.some((re) => re.test(name));
};
const BUILD_OUTPUT_IGNORES = new Set(FILE_FACTS.buildOutputIgnores);
const isSecretName = matcher(FILE_FACTS.secretFiles);
const isExampleName = matcher(FILE_FACTS.notSecretFiles);

/** A file whose name says it holds secrets (.env, a key, credentials), and is not an example of one. */
export function isSecretFile(path: string): boolean {
  const name = posix.basename(path);
  return isSecretName(name) && !isExampleName(name);
}

/**
 * The image keeps secrets the original carried (never silently dropped: the app may read them),
 * and says so: `present` are context paths it copies, `ignored` .gitignore patterns of files that
 * are copied too whenever the user has them at build time.
 */
export function secretsWarning(folder: string, present: string[], ignored: string[]): Note | null {
  const now = present.filter(isSecretFile);
  const maybe = ignored.filter((p) => isSecretFile(p.replace(/^\/|\/$/g, '')));
  if (now.length === 0 && maybe.length === 0) return null;
  const parts: string[] = [];
  if (now.length > 0) parts.push(`${now.slice(0, 5).join(', ')}${now.length > 5 ? ', ...' : ''}`);
  if (maybe.length > 0)
    parts.push(
      `${maybe.join(', ')} when present at build time (.gitignore lists ${maybe.length === 1 ? 'it' : 'them'})`,
    );
  return {
    rule: 'common/secrets-in-image',
    reason: `${folder} in the final image carries ${parts.join(', and ')}, as the original image did: pass secrets at run time instead (environment variables, or a file mounted as a volume or secret)`,
  };
}

/** .gitignore patterns naming files a user may have when building (not build output). */
export function hostProvidedPatterns(gitignore: string | undefined): string[] {
  if (gitignore === undefined) return [];
  return gitignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'))
    .filter((l) => !BUILD_OUTPUT_IGNORES.has(l))
    .filter((l) => !/\.(exe|dll|so|dylib|test|out|log|swp|tmp|o|a)$/.test(l));
}

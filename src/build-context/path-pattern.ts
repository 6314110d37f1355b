/**
 * One glob dialect for every path pattern the tool reads, as a RegExp over slash paths: `**`
 * spans folders (`**` followed by `/` also matches none), `*` and `?` stay inside one name,
 * `[...]` (and `[!...]`) is a class. Options add what only some sources have: `{a,b}`
 * alternatives (command-line globs) and backslash escapes (Docker: .dockerignore and COPY
 * sources, which follow Go's filepath.Match).
 */
export function patternToRegExp(
  pattern: string,
  options: { braces?: boolean; escapes?: boolean } = {},
): RegExp {
  // Compiled once per pattern: the same few (.dockerignore lines, file facts) are asked for again
  // with every Dockerfile. A RegExp without the g or y flag keeps no state between tests.
  const key = `${options.braces ? 'b' : '-'}${options.escapes ? 'e' : '-'}${pattern}`;
  let compiled = compiledPatterns.get(key);
  if (compiled === undefined) {
    compiled = compilePattern(pattern, options);
    if (compiledPatterns.size >= KEPT_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(key, compiled);
  }
  return compiled;
}

const compiledPatterns = new Map<string, RegExp>();
const KEPT_PATTERNS = 1024;

function compilePattern(pattern: string, options: { braces?: boolean; escapes?: boolean }): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else if (ch === '{' && options.braces) {
      const close = pattern.indexOf('}', i + 1);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${pattern
          .slice(i + 1, close)
          .split(',')
          .map(escape)
          .join('|')})`;
        i = close;
      }
    } else if (ch === '\\' && options.escapes && i + 1 < pattern.length) {
      re += escape(pattern[++i]);
    } else re += escape(ch);
  }
  return new RegExp('^' + re + '$');
}

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Whether a COPY source pattern (a name in one folder) names `name`. */
export function copySourceMatches(pattern: string, name: string): boolean {
  if (!hasWildcard(pattern)) return pattern === name;
  return patternToRegExp(pattern, { escapes: true }).test(name);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
}

/** Whether image path `p` is the folder `folder` or inside it. */
export function isWithin(p: string, folder: string): boolean {
  return p === folder || p.startsWith(folder === '/' ? '/' : folder + '/');
}

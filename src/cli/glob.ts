/** Glob to RegExp for paths with `/`: `**` any folders, `*` and `?` within a name, `[...]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re +=
          '[' +
          glob
            .slice(i + 1, close)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']';
        i = close;
      }
    } else if (ch === '{') {
      const close = glob.indexOf('}', i + 1);
      if (close < 0) re += '\\{';
      else {
        re +=
          '(?:' +
          glob
            .slice(i + 1, close)
            .split(',')
            .map(escape)
            .join('|') +
          ')';
        i = close;
      }
    } else re += escape(ch);
  }
  return new RegExp('^' + re + '$');
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
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

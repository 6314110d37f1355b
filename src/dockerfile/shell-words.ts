/**
 * Splits a shell command into words only when it is a plain command: quotes and backslashes are
 * honoured, and anything a shell would interpret (operators, expansions, redirections, globs,
 * leading VAR=value assignments) makes it "not plain", with the reason. Never a naive split.
 */
export type ShellWords = { plain: true; words: string[] } | { plain: false; reason: string };

const OPERATOR_REASONS: Array<[RegExp, string]> = [
  [/^&&/, 'chains commands with &&'],
  [/^\|\|/, 'chains commands with ||'],
  [/^\|/, 'pipes into another command'],
  [/^;/, 'runs several commands (;)'],
  [/^&/, 'runs a command in the background (&)'],
  [/^[<>]/, 'uses a redirection'],
  [/^[()]/, 'uses a subshell'],
];

export function splitShellWords(input: string): ShellWords {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const text = input.trim();
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) {
        words.push(current);
        current = '';
        inWord = false;
      }
      i++;
      continue;
    }
    for (const [pattern, reason] of OPERATOR_REASONS) {
      if (pattern.test(text.slice(i))) return { plain: false, reason };
    }
    if (ch === '$') return { plain: false, reason: 'expands a variable ($)' };
    if (ch === '`') return { plain: false, reason: 'uses command substitution (`)' };
    if (ch === '*' || ch === '?' || ch === '[') return { plain: false, reason: 'uses a glob' };
    if (ch === '~' && !inWord) return { plain: false, reason: 'uses ~ expansion' };
    if (ch === '#' && !inWord) break;
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { plain: false, reason: 'has an unterminated quote' };
      current += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '$' || text[j] === '`') {
          return { plain: false, reason: 'expands a variable inside double quotes' };
        }
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1])) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        value += text[j];
        j++;
      }
      if (j >= text.length) return { plain: false, reason: 'has an unterminated quote' };
      current += value;
      inWord = true;
      i = j + 1;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 < text.length) current += text[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    current += ch;
    inWord = true;
    i++;
  }
  if (inWord) words.push(current);
  if (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    return { plain: false, reason: `sets an environment variable (${words[0].split('=')[0]}=...)` };
  }
  return { plain: true, words };
}

/** Splits a RUN line into its `&&`/`;`-separated simple commands for classification only. */
export function splitCommandList(input: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
      continue;
    }
    if ((ch === '&' && input[i + 1] === '&') || (ch === '|' && input[i + 1] === '|')) {
      parts.push(current);
      current = '';
      i++;
      continue;
    }
    if (ch === ';' || ch === '|') {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Whitespace split that honours quotes anywhere in a word, for classifying (never for emitting) commands. */
export function roughWords(input: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < input.length) current += input[++i];
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** A command line's leading `cd DIR &&` and `VAR=value` (or `cross-env`/`env` VAR=value) parts. */
export interface CommandPrefix {
  env: Record<string, string>;
  /** The folder a leading `cd` moves to, or null. */
  cwd: string | null;
  /** The command after the prefix, as text. */
  rest: string;
}

const ASSIGNMENT =
  /^([A-Za-z_][A-Za-z0-9_]*)=("([^"$`\\]*)"|'([^']*)'|([^\s"'$`\\;&|<>()]*))(\s+|$)/;

/**
 * Takes apart `cd server && NODE_ENV=production node app.js`, `cross-env PORT=80 node x.js` and
 * `env A=b node x.js` into environment, folder and the command itself; null when the line has
 * shell features beyond that one `cd ... &&` (the command itself is checked by splitShellWords).
 */
export function parseCommandPrefix(text: string): CommandPrefix | null {
  let rest = text.trim();
  let cwd: string | null = null;
  const cd = /^cd\s+([^\s;&|$`'"<>()]+)\s*&&\s*/.exec(rest);
  if (cd) {
    cwd = cd[1];
    rest = rest.slice(cd[0].length);
  }
  const env: Record<string, string> = {};
  const runner = /^(cross-env|env)\s+/.exec(rest);
  if (runner) rest = rest.slice(runner[0].length);
  for (;;) {
    const m = ASSIGNMENT.exec(rest);
    if (!m) break;
    env[m[1]] = m[3] ?? m[4] ?? m[5] ?? '';
    rest = rest.slice(m[0].length);
  }
  if (runner && Object.keys(env).length === 0) return null;
  if (cwd === null && Object.keys(env).length === 0) return null;
  return { env, cwd, rest };
}

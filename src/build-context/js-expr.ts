/**
 * Just enough of a JavaScript expression reader to know which path a call names: string and
 * template literals, `path.join`/`path.resolve` of literals and `__dirname` or `process.cwd()`,
 * `__dirname + '/x'`. Anything computed ends the known part; nothing is ever evaluated.
 */
export interface StaticPath {
  /** `cwd`: relative to the process's working directory; `dirname`: to the source file's folder. */
  base: 'cwd' | 'dirname';
  path: string;
  /** Something computed follows the known part (a file name from a request, an id). */
  dynamicTail: boolean;
}

/**
 * Walks code from `from`, skipping over string and template literals, and calls `visit` with each
 * other character and the bracket depth before it; `visit` returning true stops the walk there.
 * Returns the index it stopped at (or the text's length).
 */
export function walkCode(
  text: string,
  from: number,
  visit: (ch: string, index: number, depth: number) => boolean,
): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (visit(ch, i, depth)) return i;
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return text.length;
}

/** The text of a call's arguments, from just after `(` to the matching `)` (or the end). */
export function callArguments(code: string, openParen: number): string {
  const end = walkCode(code, openParen + 1, (ch, _i, depth) => ch === ')' && depth === 0);
  return code.slice(openParen + 1, end);
}

/** Splits an argument list at its top-level commas. */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  walkCode(text, 0, (ch, i, depth) => {
    if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
    return false;
  });
  const last = text.slice(start).trim();
  if (last !== '') parts.push(last);
  return parts;
}

/** The value of a plain string literal (quotes or a template without substitutions). */
export function stringLiteral(expr: string): string | null {
  const m =
    /^(['"])((?:\\.|(?!\1)[^\\])*)\1$/.exec(expr.trim()) ?? /^`([^`$]*)`$/.exec(expr.trim());
  if (!m) return null;
  const body = m.length === 3 ? m[2] : m[1];
  return body.replace(/\\(.)/g, '$1');
}

const DIRNAME = /^(__dirname|import\.meta\.dirname)$/;
const CWD = /^(process\.cwd\(\)|['"`]\.\/?['"`])$/;

export function staticPath(expr: string): StaticPath | null {
  const e = expr.trim();
  const literal = stringLiteral(e);
  if (literal !== null) return { base: 'cwd', path: literal, dynamicTail: false };
  const call = /^(?:path\.)?(join|resolve)\s*\(/.exec(e);
  if (call) {
    const args = splitArguments(callArguments(e, e.indexOf('(')));
    return joinParts(args);
  }
  const template = /^`([\s\S]*)`$/.exec(e);
  if (template) {
    const body = template[1];
    const first = /^\$\{\s*([^}]+?)\s*\}/.exec(body);
    let base: StaticPath['base'] = 'cwd';
    let rest = body;
    if (first) {
      if (!DIRNAME.test(first[1]) && !/^process\.cwd\(\)$/.test(first[1])) return null;
      base = DIRNAME.test(first[1]) ? 'dirname' : 'cwd';
      rest = body.slice(first[0].length);
    }
    const dyn = rest.indexOf('${');
    const known = dyn < 0 ? rest : rest.slice(0, dyn);
    return { base, path: known.replace(/^\//, ''), dynamicTail: dyn >= 0 };
  }
  const concat = e.split(/\s*\+\s*/);
  if (concat.length > 1 && (DIRNAME.test(concat[0]) || stringLiteral(concat[0]) !== null)) {
    const base: StaticPath['base'] = DIRNAME.test(concat[0]) ? 'dirname' : 'cwd';
    let path = base === 'dirname' ? '' : (stringLiteral(concat[0]) as string);
    for (let i = 1; i < concat.length; i++) {
      const v = stringLiteral(concat[i]);
      if (v === null) {
        const folder = trimToFolder(path);
        return {
          base,
          path: base === 'dirname' ? folder.replace(/^\//, '') : folder,
          dynamicTail: true,
        };
      }
      path += v;
    }
    return { base, path: base === 'dirname' ? path.replace(/^\//, '') : path, dynamicTail: false };
  }
  return null;
}

function joinParts(args: string[]): StaticPath | null {
  if (args.length === 0) return null;
  let base: StaticPath['base'] = 'cwd';
  let i = 0;
  if (DIRNAME.test(args[0])) {
    base = 'dirname';
    i = 1;
  } else if (CWD.test(args[0])) i = 1;
  const parts: string[] = [];
  for (; i < args.length; i++) {
    const v = stringLiteral(args[i]);
    if (v === null)
      return parts.length > 0 || base === 'dirname'
        ? { base, path: parts.join('/'), dynamicTail: true }
        : null;
    if (v.startsWith('/')) return { base: 'cwd', path: v, dynamicTail: false };
    parts.push(v);
  }
  return { base, path: parts.join('/'), dynamicTail: false };
}

/** The folder part of a path whose file name is still to come (`uploads/` + name -> uploads). */
function trimToFolder(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/**
 * Whether a release version satisfies an npm range, for the range forms package.json uses
 * (`^1.2.3`, `~1.2`, `1.x`, `>=1.2 <2`, `1.2.3 - 2`, `||`), as node-semver decides it. Null when
 * either side is something this does not read (a prerelease, a tag, a URL or path, an alias):
 * the caller then knows nothing.
 */
export function satisfies(version: string, range: string): boolean | null {
  const v = /^v?(\d+)\.(\d+)\.(\d+)(\+[\w.-]+)?$/.exec(version.trim());
  if (!v) return null;
  const at: Version = [Number(v[1]), Number(v[2]), Number(v[3])];
  let any = false;
  for (const alternative of range.split('||')) {
    const set = comparatorSet(alternative.trim());
    if (set === null) return null;
    if (set.every(([op, bound]) => compare(at, op, bound))) any = true;
  }
  return any;
}

type Version = [number, number, number];
type Op = '<' | '<=' | '>' | '>=' | '=';
type Comparator = [Op, Version];

/** A partial version as written (`1`, `1.2`, `1.x`, `*`): its numbers and how many were given. */
function partial(text: string): { parts: number[]; given: number } | null {
  if (text === '' || /^[xX*]$/.test(text)) return { parts: [0, 0, 0], given: 0 };
  const m = /^v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(\+[\w.-]+)?$/.exec(text);
  if (!m) return null;
  const words = [m[1], m[2], m[3]];
  let given = 0;
  for (const w of words) {
    if (w === undefined || /^[xX*]$/.test(w)) break;
    given++;
  }
  // 1.x.3 is read as 1.x, as node-semver does.
  return { parts: words.map((w, i) => (i < given ? Number(w) : 0)), given };
}

/** The smallest version above every version that starts with the given parts (1.2 -> 1.3.0). */
function nextAfter(parts: number[], given: number): Version {
  if (given === 1) return [parts[0] + 1, 0, 0];
  return [parts[0], parts[1] + 1, 0];
}

function comparatorSet(text: string): Comparator[] | null {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const low = partial(hyphen[1]);
    const high = partial(hyphen[2]);
    if (!low || !high) return null;
    const out: Comparator[] = [['>=', low.parts as Version]];
    if (high.given === 3) out.push(['<=', high.parts as Version]);
    else if (high.given > 0) out.push(['<', nextAfter(high.parts, high.given)]);
    return out;
  }
  // `>= 1.2` is one comparator: the operator may stand apart from its version.
  const words = text.replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1').split(/\s+/);
  const out: Comparator[] = [];
  for (const word of words) {
    const m = /^(<=|>=|<|>|=|\^|~>?)?(.*)$/.exec(word)!;
    const op = m[1] ?? '';
    const p = partial(m[2]);
    if (!p) return null;
    const { parts, given } = p;
    const base = parts as Version;
    if (op === '' || op === '=') {
      if (given === 3) out.push(['=', base]);
      else if (given > 0) out.push(['>=', base], ['<', nextAfter(parts, given)]);
    } else if (op === '^') {
      const upper: Version =
        parts[0] > 0 || given <= 1
          ? [parts[0] + 1, 0, 0]
          : parts[1] > 0 || given === 2
            ? [0, parts[1] + 1, 0]
            : [0, 0, parts[2] + 1];
      if (given > 0) out.push(['>=', base], ['<', upper]);
    } else if (op.startsWith('~')) {
      if (given > 0)
        out.push(['>=', base], ['<', given === 1 ? [parts[0] + 1, 0, 0] : nextAfter(parts, 2)]);
    } else if (given === 0) {
      if (op === '<' || op === '>') out.push(['<', [0, 0, 0]]);
    } else if (given === 3) {
      out.push([op as Op, base]);
    } else if (op === '>') {
      out.push(['>=', nextAfter(parts, given)]);
    } else if (op === '<=') {
      out.push(['<', nextAfter(parts, given)]);
    } else {
      out.push([op as Op, base]);
    }
  }
  return out;
}

function compare(at: Version, op: Op, bound: Version): boolean {
  const d = at[0] - bound[0] || at[1] - bound[1] || at[2] - bound[2];
  switch (op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '=':
      return d === 0;
  }
}

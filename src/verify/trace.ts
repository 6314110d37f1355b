/**
 * Reads what `strace -f -ttt -yy --decode-pids=pidns -s 4096 -o FILE -p <containerd>` wrote while a
 * container started and ran, and keeps what the container's own processes did from its
 * entrypoint's execve on: files opened, folders made, renames and unlinks, programs run, unix
 * sockets, binds, set*id calls. Pure: text in, a Trace out (observe.ts runs strace; the prototype
 * this comes from is described in docs/rules.md, common/observed-needs).
 *
 * The trace holds containerd, every shim and runc besides the container: the container's init is
 * the process `runc create ... <container id>` forks, which runs runc's own code (mount setup,
 * pivot_root, set*id to the image's USER, a re-exec of runc itself) until it execs the
 * entrypoint. Everything before that execve is runc's and left out; everything the entrypoint's
 * process and its descendants do after it is kept.
 */
import { posix } from 'path';

/** The system calls observe asks strace for (strace 6.1 has no name for fchmodat2). */
export const TRACE_SYSCALLS = [
  'execve',
  'execveat',
  'clone',
  'clone3',
  'fork',
  'vfork',
  'open',
  'openat',
  'openat2',
  'creat',
  'mkdir',
  'mkdirat',
  'rename',
  'renameat',
  'renameat2',
  'unlink',
  'unlinkat',
  'rmdir',
  'symlink',
  'symlinkat',
  'link',
  'linkat',
  'chdir',
  'fchdir',
  'connect',
  'bind',
  'listen',
  'setuid',
  'setgid',
  'setreuid',
  'setregid',
  'setresuid',
  'setresgid',
  'setgroups',
  'chown',
  'fchown',
  'lchown',
  'fchownat',
  'chmod',
  'fchmod',
  'fchmodat',
];

export type TraceEventKind =
  | 'exec'
  | 'open'
  | 'mkdir'
  | 'rename'
  | 'link'
  | 'unlink'
  | 'rmdir'
  | 'chmod'
  | 'chown'
  | 'unix-connect'
  | 'unix-bind'
  | 'inet-connect'
  | 'bind'
  | 'setid';

export interface TraceEvent {
  /** Index into Trace.processes. */
  process: number;
  kind: TraceEventKind;
  /** Absolute path (resolved against the process's folder or the call's folder fd). */
  path?: string;
  /** For opens that succeeded: the path the kernel opened, when symbolic links made it another. */
  real?: string;
  /** Opens: r, w or rw; creat and O_CREAT set `create`. */
  access?: 'r' | 'w' | 'rw';
  create?: boolean;
  /** Opens of a folder (O_DIRECTORY: listing it). */
  directory?: boolean;
  /** rename and link: the new path. */
  to?: string;
  /** exec: the argument vector. */
  argv?: string[];
  /** bind and inet-connect. */
  port?: number;
  address?: string;
  protocol?: string;
  /** setid: the call and its arguments as strace shows them (`setuid(1000)`). */
  call?: string;
  /** `ok`, or the errno name (`ENOENT`, `EACCES`). */
  result: string;
  /** Order of the call in the trace. */
  seq: number;
}

export interface TracedProcess {
  pid: number;
  /** Index of the parent in Trace.processes; null for the root. */
  parent: number | null;
  /** The program it last ran (the path exec'd) and its arguments; null when it never exec'd. */
  exe: string | null;
  argv: string[] | null;
  /** Its working folder when it started or exec'd. */
  cwd: string;
  exit: { code: number } | { signal: string } | null;
}

export interface Trace {
  /** Index of the entrypoint's process in `processes`, or null when its execve never came. */
  root: number | null;
  processes: TracedProcess[];
  events: TraceEvent[];
  /** The runtime's set*id calls in the root before its execve: the image's USER, as applied. */
  userBeforeExec: string[];
  /** Calls whose path arguments strace could not read (it lacked the right to the memory). */
  unreadable: number;
}

export interface TraceOptions {
  /**
   * How the entrypoint's execve is found: the container's id (a containerd trace, where runc
   * creates it), or `first` (a trace whose first execve is the entrypoint's).
   */
  container: string | 'first';
  /** The image's working folder: where the root starts when no annotation says otherwise. */
  cwd: string;
}

// ------------------------------------------------------------------ low-level parsing

function unescapeC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/**
 * Splits the text after `name(` into its top-level arguments and what follows the closing
 * parenthesis. Knows "..." strings, (), [] and {}, and the <...> annotations of -yy, which may
 * hold commas and nest.
 */
export function splitCall(s: string): { args: string[]; rest: string } {
  const args: string[] = [];
  let cur = '';
  let depth = 0;
  let angle = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '\\') {
      cur += c + (s[++i] ?? '');
      continue;
    }
    if (angle > 0) {
      cur += c;
      // `->` inside a socket's annotation (`UNIX-STREAM:[1->2]`) closes nothing.
      if (c === '<') angle++;
      else if (c === '>' && s[i - 1] !== '-') angle--;
      continue;
    }
    if (c === '"') {
      inString = true;
      cur += c;
      continue;
    }
    if (c === '<' && (/[0-9]$/.test(cur) || /AT_FDCWD$/.test(cur))) {
      angle = 1;
      cur += c;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ')') {
      if (depth === 0) {
        if (cur.trim() !== '') args.push(cur.trim());
        return { args, rest: s.slice(i + 1) };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '') args.push(cur.trim());
  return { args, rest: '' };
}

interface Returned {
  value: number | null;
  errno: string | null;
  /** The -yy annotation of a returned fd: the path opened. */
  annotation: string | null;
  /** A pid in the container's namespace translated to the host's (--decode-pids=pidns). */
  hostPid: number | null;
}

function takeAngle(t: string): { inner: string; length: number } {
  let d = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\\') {
      i++;
      continue;
    }
    if (t[i] === '<') d++;
    else if (t[i] === '>' && t[i - 1] !== '-' && --d === 0)
      return { inner: t.slice(1, i), length: i + 1 };
  }
  return { inner: t.slice(1), length: t.length };
}

function parseReturn(rest: string): Returned {
  const out: Returned = { value: null, errno: null, annotation: null, hostPid: null };
  const m = /^\s*=\s*(.*)$/s.exec(rest);
  if (!m) return out;
  let t = m[1];
  const n = /^(-?\d+|0x[0-9a-f]+|\?)/.exec(t);
  if (!n) return out;
  out.value = n[1] === '?' ? null : Number(n[1]);
  t = t.slice(n[1].length);
  if (t[0] === '<') {
    const a = takeAngle(t);
    out.annotation = a.inner;
    t = t.slice(a.length);
  }
  const e = /^\s+([A-Z][A-Z0-9_]+) \(/.exec(t);
  if (e) out.errno = e[1];
  const p = /\/\* (\d+) in strace's PID NS \*\//.exec(t);
  if (p) out.hostPid = Number(p[1]);
  return out;
}

/** `3</a/b>`, `AT_FDCWD</x>`, `5<TCP:[1.2.3.4:80]>` -> the fd and its annotation. */
function parseFd(token: string | undefined): { fd: string; annotation: string | null } {
  const m = /^(-?\d+|AT_FDCWD)(<.*)?$/s.exec(token ?? '');
  if (!m) return { fd: token ?? '', annotation: null };
  return { fd: m[1], annotation: m[2] ? takeAngle(m[2]).inner : null };
}

/** A path annotation as a path: null for sockets, pipes and anonymous inodes. */
function annotationPath(a: string | null): string | null {
  if (a === null) return null;
  const path = a.replace(/<(char|block) [0-9]+:[0-9]+>$/, '').replace(/ \(deleted\)$/, '');
  return path.startsWith('/') ? unescapeC(path) : null;
}

function parseString(token: string | undefined): string | null {
  const m = /^"((?:[^"\\]|\\.)*)"(\.\.\.)?$/s.exec(token ?? '');
  return m ? unescapeC(m[1]) : null;
}

function parseStringArray(token: string | undefined): string[] | null {
  if (!token || token[0] !== '[') return null;
  return splitCall(token.slice(1, -1) + ')')
    .args.filter((x) => x !== '...')
    .map((x) => parseString(x) ?? x);
}

function resolveAgainst(base: string | null, p: string | null): string | null {
  if (p === null) return null;
  if (p.startsWith('/')) return posix.normalize(p);
  return posix.normalize(posix.join(base ?? '/', p));
}

// ------------------------------------------------------------------ records

type TraceRecord =
  | { i: number; tid: number; kind: 'exit'; code?: number; signal?: string }
  | { i: number; tid: number; kind: 'superseded'; oldTid: number }
  | { i: number; tid: number; kind: 'signal' }
  | { i: number; tid: number; kind: 'call'; name: string; args: string[]; ret: Returned };

type Unnumbered = TraceRecord extends infer R ? (R extends unknown ? Omit<R, 'i'> : never) : never;

/** The trace's lines as records, with `<unfinished ...>` and `<... resumed>` pairs joined. */
function parseRecords(text: string): TraceRecord[] {
  const records: TraceRecord[] = [];
  const pending = new Map<number, { name: string; text: string }>();
  const push = (r: Unnumbered) => records.push({ ...r, i: records.length } as TraceRecord);
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^(\d+)\s+(\d+\.\d+)\s(.*)$/s.exec(line) ?? /^()(\d+\.\d+)\s(.*)$/s.exec(line);
    if (!m) continue;
    const tid = m[1] ? Number(m[1]) : 0;
    const body = m[3].trimStart();
    let x: RegExpExecArray | null;
    if ((x = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(body))) {
      pending.delete(tid);
      push({ tid, kind: 'exit', code: Number(x[1]) });
    } else if ((x = /^\+\+\+ killed by (\S+)( \(core dumped\))? \+\+\+$/.exec(body))) {
      pending.delete(tid);
      push({ tid, kind: 'exit', signal: x[1] });
    } else if ((x = /^\+\+\+ superseded by execve in pid (\d+) \+\+\+$/.exec(body))) {
      const old = Number(x[1]);
      if (pending.has(old)) {
        pending.set(tid, pending.get(old)!);
        pending.delete(old);
      }
      push({ tid, kind: 'superseded', oldTid: old });
    } else if (/^--- SIG\w+ /.test(body)) {
      push({ tid, kind: 'signal' });
    } else if ((x = /^<\.\.\. (\w+) resumed>(.*)$/s.exec(body))) {
      const p = pending.get(tid);
      pending.delete(tid);
      // A call resumed without its start was under way when strace attached.
      if (p && p.name === x[1]) pushCall(push, tid, p.name, p.text + x[2]);
    } else if ((x = /^(\w+)\((.*) <unfinished \.\.\.>$/s.exec(body))) {
      pending.set(tid, { name: x[1], text: x[2] });
    } else if ((x = /^(\w+)\((.*)$/s.exec(body))) {
      pushCall(push, tid, x[1], x[2]);
    }
  }
  return records;
}

function pushCall(push: (r: Unnumbered) => void, tid: number, name: string, text: string) {
  const { args, rest } = splitCall(text);
  push({ tid, kind: 'call', name, args, ret: parseReturn(rest) });
}

// ------------------------------------------------------------------ processes and events

/**
 * Which argument holds the path (or socket address): when strace cannot read the tracee's memory
 * it prints a pointer there instead.
 */
const PATH_ARG: { [call: string]: number } = {
  execve: 0,
  execveat: 1,
  open: 0,
  creat: 0,
  openat: 1,
  openat2: 1,
  mkdir: 0,
  mkdirat: 1,
  rename: 0,
  renameat: 1,
  renameat2: 1,
  unlink: 0,
  unlinkat: 1,
  rmdir: 0,
  symlink: 1,
  symlinkat: 2,
  link: 1,
  linkat: 3,
  chdir: 0,
  connect: 1,
  bind: 1,
  chmod: 0,
  fchmodat: 1,
  chown: 0,
  lchown: 0,
  fchownat: 1,
};
const CLONES = new Set(['clone', 'clone3', 'fork', 'vfork']);
const SETID = /^set(res|re|fs)?[ug]id$|^setgroups$/;

interface Segment {
  tid: number;
  first: number;
  last: number;
  parent: number | null;
  thread: boolean;
}

interface Proc {
  index: number | null;
  pid: number;
  parent: Proc | null;
  image: string[] | null;
  exe: string | null;
  cwd: string | null;
  cwdAtExec: string | null;
  /** A descendant of `runc create ... <id>`: the only processes that may become the root. */
  ours: boolean;
  tracked: boolean;
  exit: TracedProcess['exit'];
  idsBeforeExec: string[];
}

export function parseTrace(text: string, options: TraceOptions): Trace {
  const records = parseRecords(text);

  // Pass 1: each tid's lifetimes (a tid may be reused), and what each clone created.
  const open = new Map<number, number>();
  const segments: Segment[] = [];
  const segmentOf: number[] = [];
  const clones: Array<{ at: number; parent: number; child: number; thread: boolean }> = [];
  for (const r of records) {
    let s = open.get(r.tid);
    if (s === undefined) {
      s = segments.length;
      segments.push({ tid: r.tid, first: r.i, last: Infinity, parent: null, thread: false });
      open.set(r.tid, s);
    }
    segmentOf[r.i] = s;
    if (r.kind === 'exit') {
      segments[s].last = r.i;
      open.delete(r.tid);
    } else if (r.kind === 'superseded') {
      const old = open.get(r.oldTid);
      if (old !== undefined) {
        segments[old].last = r.i;
        open.delete(r.oldTid);
      }
    } else if (r.kind === 'call' && CLONES.has(r.name) && (r.ret.value ?? 0) > 0) {
      clones.push({
        at: r.i,
        parent: s,
        child: r.ret.hostPid ?? r.ret.value!,
        thread: r.args.some((a) => /CLONE_THREAD/.test(a)),
      });
    }
  }
  const byTid = new Map<number, number[]>();
  segments.forEach((s, i) => byTid.set(s.tid, [...(byTid.get(s.tid) ?? []), i]));
  for (const c of clones) {
    const list = (byTid.get(c.child) ?? []).map((i) => ({ i, s: segments[i] }));
    // The child's lines may come before its parent's clone returns (vfork), or all of them.
    const found =
      list.find((x) => x.s.first <= c.at && c.at <= x.s.last && x.s.parent === null) ??
      list.find((x) => x.s.first > c.at && x.s.parent === null) ??
      [...list].reverse().find((x) => x.s.last < c.at && x.s.parent === null);
    if (found) {
      found.s.parent = c.parent;
      found.s.thread = c.thread;
    }
  }

  // Pass 2: a state per process; events of the tracked ones.
  const procOfSegment = new Map<number, Proc>();
  const trace: Trace = { root: null, processes: [], events: [], userBeforeExec: [], unreadable: 0 };
  const procs: Proc[] = [];
  const track = (p: Proc) => {
    p.tracked = true;
    p.index = trace.processes.length;
    trace.processes.push({
      pid: p.pid,
      parent: p.parent?.index ?? null,
      exe: p.exe,
      argv: p.image,
      cwd: p.cwd ?? options.cwd,
      exit: null,
    });
    procs.push(p);
  };
  const procOf = (segment: number): Proc => {
    const known = procOfSegment.get(segment);
    if (known) return known;
    const s = segments[segment];
    const parent = s.parent !== null ? procOf(s.parent) : null;
    let p: Proc;
    if (parent && s.thread) p = parent;
    else {
      p = {
        index: null,
        pid: s.tid,
        parent,
        image: parent?.image ?? null,
        exe: parent?.exe ?? null,
        cwd: parent?.cwd ?? null,
        cwdAtExec: null,
        ours: parent?.ours ?? false,
        tracked: false,
        exit: null,
        idsBeforeExec: [],
      };
      if (parent?.tracked) track(p);
    }
    procOfSegment.set(segment, p);
    return p;
  };

  let seq = 0;
  for (const r of records) {
    const p = procOf(segmentOf[r.i]);
    if (r.kind === 'exit') {
      if (r.tid === p.pid && p.index !== null)
        trace.processes[p.index].exit =
          r.signal !== undefined ? { signal: r.signal } : { code: r.code! };
      continue;
    }
    if (r.kind !== 'call') continue;
    const { name, args: A, ret } = r;
    // -yy shows the folder AT_FDCWD stands for: the process's folder, as the kernel has it.
    for (const a of A) {
      if (a.startsWith('AT_FDCWD<')) {
        const c = annotationPath(parseFd(a).annotation);
        if (c) p.cwd = c;
        break;
      }
    }
    if (p.tracked && PATH_ARG[name] !== undefined && /^0x[0-9a-f]+$/.test(A[PATH_ARG[name]] ?? ''))
      trace.unreadable++;
    const ok = ret.value !== null && ret.value >= 0;
    const result = ok ? 'ok' : (ret.errno ?? (ret.value === null ? '?' : String(ret.value)));

    if (name === 'execve' || name === 'execveat') {
      const pathArg = parseString(name === 'execve' ? A[0] : A[1]);
      const argv = parseStringArray(name === 'execve' ? A[1] : A[2]);
      const base =
        name === 'execveat' ? (annotationPath(parseFd(A[0]).annotation) ?? p.cwd) : p.cwd;
      const path = resolveAgainst(base, pathArg);
      if (
        !p.tracked &&
        trace.root === null &&
        isEntrypointExec(p, options, pathArg, argv, name, A)
      ) {
        if (p.cwd === null) p.cwd = options.cwd;
        track(p);
        trace.root = p.index;
        trace.userBeforeExec = p.idsBeforeExec;
      }
      if (p.tracked) {
        trace.events.push({
          process: p.index!,
          kind: 'exec',
          path: path ?? undefined,
          argv: argv ?? undefined,
          result,
          seq: seq++,
        });
      }
      if (ok) {
        p.image = argv;
        p.exe = path;
        if (p.tracked) {
          const tp = trace.processes[p.index!];
          tp.exe = path;
          tp.argv = argv;
          tp.cwd = p.cwd ?? options.cwd;
        }
        if (
          options.container !== 'first' &&
          argv &&
          /(^|\/)runc$/.test(argv[0] ?? '') &&
          argv.includes('create') &&
          argv.includes(options.container)
        )
          p.ours = true;
      }
      continue;
    }
    if (name === 'chdir') {
      const target = resolveAgainst(p.cwd, parseString(A[0]));
      if (ok && target) p.cwd = target;
      continue;
    }
    if (name === 'fchdir') {
      const c = annotationPath(parseFd(A[0]).annotation);
      if (ok && c) p.cwd = c;
      continue;
    }
    if (!p.tracked) {
      if (SETID.test(name) && ok) p.idsBeforeExec.push(`${name}(${A.join(', ')})`);
      continue;
    }
    const event = (e: Omit<TraceEvent, 'process' | 'result' | 'seq'>) =>
      trace.events.push({ ...e, process: p.index!, result, seq: seq++ });
    const at = (i: number): string | null => {
      const f = parseFd(A[i]);
      return f.fd === 'AT_FDCWD' ? p.cwd : annotationPath(f.annotation);
    };
    const str = (i: number) => parseString(A[i]);
    const here = (s: string | null) => resolveAgainst(p.cwd, s) ?? undefined;
    switch (name) {
      case 'open':
      case 'creat':
      case 'openat':
      case 'openat2': {
        const isAt = name === 'openat' || name === 'openat2';
        const raw = str(isAt ? 1 : 0);
        const flags =
          name === 'creat'
            ? 'O_WRONLY|O_CREAT|O_TRUNC'
            : name === 'open'
              ? (A[1] ?? '')
              : name === 'openat'
                ? (A[2] ?? '')
                : ((/flags=([A-Z_|0-9x]+)/.exec(A[2] ?? '') ?? [])[1] ?? '');
        const path = resolveAgainst(isAt ? at(0) : p.cwd, raw);
        if (path === null) break;
        const real = ok ? annotationPath(ret.annotation) : null;
        event({
          kind: 'open',
          path,
          ...(real && real !== path ? { real } : {}),
          access: /O_RDWR/.test(flags) ? 'rw' : /O_WRONLY/.test(flags) ? 'w' : 'r',
          ...(/O_CREAT/.test(flags) ? { create: true } : {}),
          ...(/O_DIRECTORY/.test(flags) ? { directory: true } : {}),
        });
        break;
      }
      case 'mkdir':
        event({ kind: 'mkdir', path: here(str(0)) });
        break;
      case 'mkdirat':
        event({ kind: 'mkdir', path: resolveAgainst(at(0), str(1)) ?? undefined });
        break;
      case 'rename':
        event({ kind: 'rename', path: here(str(0)), to: here(str(1)) });
        break;
      case 'renameat':
      case 'renameat2':
        event({
          kind: 'rename',
          path: resolveAgainst(at(0), str(1)) ?? undefined,
          to: resolveAgainst(at(2), str(3)) ?? undefined,
        });
        break;
      case 'symlink':
        event({ kind: 'link', path: here(str(1)) });
        break;
      case 'symlinkat':
        event({ kind: 'link', path: resolveAgainst(at(1), str(2)) ?? undefined });
        break;
      case 'link':
        event({ kind: 'link', path: here(str(1)) });
        break;
      case 'linkat':
        event({ kind: 'link', path: resolveAgainst(at(2), str(3)) ?? undefined });
        break;
      case 'unlink':
        event({ kind: 'unlink', path: here(str(0)) });
        break;
      case 'rmdir':
        event({ kind: 'rmdir', path: here(str(0)) });
        break;
      case 'unlinkat':
        event({
          kind: /AT_REMOVEDIR/.test(A[2] ?? '') ? 'rmdir' : 'unlink',
          path: resolveAgainst(at(0), str(1)) ?? undefined,
        });
        break;
      case 'chmod':
        event({ kind: 'chmod', path: here(str(0)) });
        break;
      case 'fchmod':
        event({ kind: 'chmod', path: annotationPath(parseFd(A[0]).annotation) ?? undefined });
        break;
      case 'fchmodat':
        event({ kind: 'chmod', path: resolveAgainst(at(0), str(1)) ?? undefined });
        break;
      case 'chown':
      case 'lchown':
        event({ kind: 'chown', path: here(str(0)) });
        break;
      case 'fchown':
        event({ kind: 'chown', path: annotationPath(parseFd(A[0]).annotation) ?? undefined });
        break;
      case 'fchownat':
        event({ kind: 'chown', path: resolveAgainst(at(0), str(1)) ?? undefined });
        break;
      case 'connect':
      case 'bind': {
        const socket = parseFd(A[0]).annotation ?? '';
        const protocol = (/^([A-Z0-9-]+):/.exec(socket) ?? [])[1];
        const sa = A[1] ?? '';
        const family = (/sa_family=(\w+)/.exec(sa) ?? [])[1];
        if (family === 'AF_UNIX') {
          const sp = /sun_path=(@?)("(?:[^"\\]|\\.)*")/.exec(sa);
          const abstract = sp?.[1] === '@';
          const sunPath = sp ? (parseString(sp[2]) ?? '') : '';
          event({
            kind: name === 'connect' ? 'unix-connect' : 'unix-bind',
            path: abstract ? `@${sunPath}` : here(sunPath),
          });
        } else if (family === 'AF_INET' || family === 'AF_INET6') {
          const port = Number((/sin6?_port=htons\((\d+)\)/.exec(sa) ?? [])[1]);
          const address = (/inet_addr\("([^"]*)"\)/.exec(sa) ??
            /inet_pton\(AF_INET6, "([^"]*)"/.exec(sa) ??
            [])[1];
          event({
            kind: name === 'connect' ? 'inet-connect' : 'bind',
            port,
            ...(address !== undefined ? { address } : {}),
            protocol: protocol ?? (family === 'AF_INET6' ? 'TCPv6' : 'TCP'),
          });
        }
        break;
      }
      default:
        if (SETID.test(name)) event({ kind: 'setid', call: `${name}(${A.join(', ')})` });
    }
  }
  // Go and glibc apply set*id to every thread: one event per process and call.
  const seen = new Set<string>();
  trace.events = trace.events.filter((e) => {
    if (e.kind !== 'setid') return true;
    const key = `${e.process} ${e.call} ${e.result}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return trace;
}

/**
 * Whether this execve is the entrypoint's: in a containerd trace, the first one a descendant of
 * `runc create <id>` makes while it still runs `runc init`, other than runc re-executing itself
 * (`/proc/self/exe`, or its sealed copy through execveat with AT_EMPTY_PATH).
 */
function isEntrypointExec(
  p: Proc,
  options: TraceOptions,
  path: string | null,
  argv: string[] | null,
  call: string,
  args: string[],
): boolean {
  if (options.container === 'first') return true;
  if (!p.ours || !p.image || p.image[1] !== 'init') return false;
  if (path === '/proc/self/exe') return false;
  if (call === 'execveat' && /AT_EMPTY_PATH/.test(args[4] ?? '')) return false;
  if (argv && argv.length === 2 && argv[1] === 'init' && /runc/.test(argv[0])) return false;
  return true;
}

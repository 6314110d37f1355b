/**
 * What the original was seen to need, from its trace: files read and written, folders made,
 * programs run (with the libraries their loader opened), unix sockets connected, ports bound and
 * user changes, each once, with the program that did it and the part it plays:
 *
 * - `launcher`: a process the rewrite no longer runs. The rewrite starts its program directly
 *   (npm start -> sh -c -> node server.js becomes node server.js), so what npm and sh did is not
 *   asked of the rewrite. Found by matching the rewrite's start command against the processes.
 * - `start`: the app process's own execve and what the dynamic loader opened for it (the
 *   rewrite's program starts or the run fails, which verify sees anyway), and `early`: what the
 *   app's process read before its first file in its own folder (a runtime's own start: node
 *   reads its openssl.cnf). observe-check.ts decides whether `early` counts: only when the
 *   rewrite runs another binary. The loader's opens for other programs are their `libraries`.
 * - `app`: everything else the program and its children did; the rewrite must allow all of it.
 *
 * Pure: a Trace in, an Observation out.
 */
import { posix } from 'path';
import { normalizeArgv } from '../contract';
import type { Trace, TraceEvent, TracedProcess } from './trace';

export type ObservedKind = 'read' | 'write' | 'mkdir' | 'exec' | 'unix-connect' | 'bind' | 'setid';

export type ObservedPhase = 'launcher' | 'start' | 'early' | 'app';

export interface Observed {
  kind: ObservedKind;
  /** A path, a program's path, `tcp :80`, or the set*id call. */
  subject: string;
  /** Reads: the path the kernel opened, when symbolic links made it another. */
  real?: string;
  /** reads of folders (readdir). */
  directory?: boolean;
  /** Writes: what was done (`open`, `create`, `rename`, `unlink`, `link`, `chmod`, `chown`, `bind`). */
  ops?: string[];
  /** exec: what the loader opened for it, and the arguments it was run with. */
  libraries?: string[];
  argv?: string;
  port?: number;
  address?: string;
  /** The program that did it, as the process's arguments (shortened). */
  by: string;
  phase: ObservedPhase;
  /** How many times it was seen. */
  count: number;
}

export interface Observation {
  /** The container's first program (the image's ENTRYPOINT and CMD) and its folder. */
  start: { argv: string[] | null; cwd: string };
  /** How runc set the user before the first instruction (`setuid(0)`, ...). */
  user: string[];
  /** The process the rewrite's start command corresponds to, or null when none matches. */
  app: { argv: string[] | null; exe: string | null; cwd: string } | null;
  processes: Array<{
    argv: string[] | null;
    exe: string | null;
    role: 'launcher' | 'app';
    exit: TracedProcess['exit'];
  }>;
  needs: Observed[];
  /** Calls whose paths strace could not read: the observation is incomplete when > 0. */
  unreadable: number;
}

/** Paths that are not the image's: pseudo file systems and what Docker mounts at run time. */
const NOT_THE_IMAGE =
  /^\/(proc|sys|dev)(\/|$)|^\/etc\/(hosts|hostname|resolv\.conf|mtab)$|^\/run\/secrets(\/|$)/;

const LIBRARY = /(^|\/)(ld\.so\.cache|ld\.so\.preload|ld-[^/]*\.so[^/]*)$|\.so(\.[0-9.]+)?$/;

export function isImagePath(path: string): boolean {
  return !NOT_THE_IMAGE.test(path) && !path.startsWith('@');
}

function describe(p: TracedProcess | undefined): string {
  if (!p?.argv) return p?.exe ?? '?';
  const words = p.argv.map((w, i) => (i === 0 ? posix.basename(w) : w));
  const text = words.join(' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Whether a process runs what the rewrite starts: the same arguments, and the same program by
 * name (node is node wherever it is installed; a binary keeps its name when its path moves).
 */
export function runsStart(p: TracedProcess, start: string[] | null): boolean {
  if (!start || !p.argv) return false;
  const a = normalizeArgv(p.argv);
  const b = normalizeArgv(start);
  return JSON.stringify(a) === JSON.stringify(b);
}

export function observe(trace: Trace, rewriteStart: string[] | null): Observation {
  const procs = trace.processes;
  const root = trace.root === null ? null : procs[trace.root];
  const children = new Map<number, number[]>();
  procs.forEach((p, i) => {
    if (p.parent !== null) children.set(p.parent, [...(children.get(p.parent) ?? []), i]);
  });
  let app: number | null = null;
  for (let i = 0; i < procs.length && app === null; i++)
    if (runsStart(procs[i], rewriteStart)) app = i;
  const matched = app !== null;
  if (app === null) app = trace.root;
  const appTree = new Set<number>();
  const walk = (i: number) => {
    appTree.add(i);
    for (const c of children.get(i) ?? []) walk(c);
  };
  if (app !== null) walk(app);

  // The app process's own exec: events of that process before it belong to whoever forked it.
  const execs = trace.events.filter((e) => e.kind === 'exec' && e.result === 'ok');
  const appExec = matched ? ([...execs].reverse().find((e) => e.process === app)?.seq ?? -1) : -1;
  const appCwd = app !== null ? procs[app].cwd : '/';
  const phaseOf = new Map<TraceEvent, ObservedPhase>();
  // Loader opens follow each successful exec until the first open that is not a library.
  const loaderOf = new Map<TraceEvent, TraceEvent>();
  const librariesOf = new Map<TraceEvent, string[]>();
  const lastExec = new Map<number, TraceEvent>();
  const inLoader = new Set<number>();
  let appFilesSeen = false;
  for (const e of trace.events) {
    const inApp = appTree.has(e.process) && !(e.process === app && e.seq < appExec);
    if (!inApp) {
      phaseOf.set(e, 'launcher');
      continue;
    }
    if (e.kind === 'exec' && e.result === 'ok') {
      lastExec.set(e.process, e);
      inLoader.add(e.process);
      phaseOf.set(e, e.process === app && e.seq === appExec ? 'start' : 'app');
      continue;
    }
    if (e.kind === 'open' && inLoader.has(e.process)) {
      const exec = lastExec.get(e.process)!;
      const own = e.path === exec.path || e.real === exec.path;
      if ((e.path && LIBRARY.test(e.path) && e.access === 'r') || own) {
        loaderOf.set(e, exec);
        if (!own && e.result === 'ok' && isImagePath(e.path!))
          librariesOf.set(exec, [...(librariesOf.get(exec) ?? []), e.path!]);
        phaseOf.set(e, phaseOf.get(exec) === 'start' ? 'start' : 'app');
        continue;
      }
    }
    inLoader.delete(e.process);
    if (e.process === app && !appFilesSeen && e.kind === 'open') {
      const under = (p: string | undefined) =>
        p !== undefined && (p === appCwd || p.startsWith(appCwd === '/' ? '/' : `${appCwd}/`));
      if (appCwd !== '/' && (under(e.path) || under(e.real))) appFilesSeen = true;
      else if (appCwd !== '/') {
        phaseOf.set(e, 'early');
        continue;
      }
    }
    phaseOf.set(e, 'app');
  }

  const needs = new Map<string, Observed>();
  const add = (o: Omit<Observed, 'count'>, merge?: (old: Observed) => void) => {
    const key = `${o.kind}\0${o.subject}\0${o.phase}`;
    const old = needs.get(key);
    if (old) {
      old.count++;
      merge?.(old);
      return old;
    }
    const n = { ...o, count: 1 };
    needs.set(key, n);
    return n;
  };
  const write = (path: string, op: string, by: string, phase: ObservedPhase) => {
    if (!isImagePath(path)) return;
    add({ kind: 'write', subject: path, ops: [op], by, phase }, (old) => {
      if (!old.ops!.includes(op)) old.ops!.push(op);
    });
  };
  for (const e of trace.events) {
    if (e.result !== 'ok') continue;
    const phase = phaseOf.get(e) ?? 'app';
    const by = describe(procs[e.process]);
    switch (e.kind) {
      case 'exec': {
        if (!e.path) break;
        const libraries = librariesOf.get(e) ?? [];
        add({
          kind: 'exec',
          subject: e.path,
          argv: describe({ ...procs[e.process], argv: e.argv ?? null }),
          by,
          phase,
          ...(libraries.length > 0 ? { libraries: [...new Set(libraries)] } : {}),
        });
        break;
      }
      case 'open': {
        if (!e.path || !isImagePath(e.path)) break;
        // A library another program's loader opened is part of that program's exec.
        if (loaderOf.has(e) && phase !== 'start' && phase !== 'launcher') break;
        const p = phase;
        if (e.access === 'r') {
          add({
            kind: 'read',
            subject: e.path,
            ...(e.real ? { real: e.real } : {}),
            ...(e.directory ? { directory: true } : {}),
            by,
            phase: p,
          });
        } else write(e.path, e.create ? 'create' : 'open', by, p);
        break;
      }
      case 'mkdir':
        if (e.path && isImagePath(e.path)) add({ kind: 'mkdir', subject: e.path, by, phase });
        break;
      case 'rename':
        if (e.path) write(e.path, 'rename', by, phase);
        if (e.to) write(e.to, 'rename', by, phase);
        break;
      case 'link':
        if (e.path) write(e.path, 'link', by, phase);
        break;
      case 'unlink':
      case 'rmdir':
        if (e.path) write(e.path, 'unlink', by, phase);
        break;
      case 'chmod':
      case 'chown':
        if (e.path) write(e.path, e.kind, by, phase);
        break;
      case 'unix-bind':
        if (e.path) write(e.path, 'bind', by, phase);
        break;
      case 'unix-connect':
        if (e.path && !e.path.startsWith('@'))
          add({ kind: 'unix-connect', subject: e.path, by, phase });
        break;
      case 'bind':
        if (e.port !== undefined && e.port > 0)
          add({
            kind: 'bind',
            subject: `${(e.protocol ?? 'TCP').replace(/v6$/, '').toLowerCase()} :${e.port}`,
            port: e.port,
            ...(e.address !== undefined ? { address: e.address } : {}),
            by,
            phase,
          });
        break;
      case 'setid':
        add({ kind: 'setid', subject: e.call!, by, phase });
        break;
      default:
        break;
    }
  }
  return {
    start: { argv: root?.argv ?? null, cwd: root?.cwd ?? '/' },
    user: trace.userBeforeExec,
    app:
      app !== null && matched
        ? { argv: procs[app].argv, exe: procs[app].exe, cwd: procs[app].cwd }
        : null,
    processes: procs.map((p, i) => ({
      argv: p.argv,
      exe: p.exe,
      role: appTree.has(i) ? 'app' : 'launcher',
      exit: p.exit,
    })),
    needs: [...needs.values()],
    unreadable: trace.unreadable,
  };
}

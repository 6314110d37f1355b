/**
 * The rewrite checked against what the original was seen to do, from the rewrite's image alone
 * (its file system and its configured user): every file read exists and that user may read it,
 * every path written or made may be written or made by it, every program run is there with its
 * interpreter and libraries, unix sockets connected and ports below 1024 are named. Each need
 * becomes a row of the observation table; a mismatch names the rule that dropped what was
 * needed and, when the tool knows how, the fix (ObservedNeeds, which --write feeds back into
 * the rewrite through common/observed-needs). Pure.
 */
import { posix } from 'path';
import type { ObservedNeeds, TransformOptions, TransformResult } from '../types';
import {
  checkAccess,
  describeOwner,
  ImageIndex,
  ImageUser,
  interpreterOf,
  resolvePath,
} from './image-index';
import type { Observation, Observed, ObservedKind } from './observation';

export interface RewriteFacts {
  rewrite: ImageIndex;
  user: ImageUser;
  /** The original image, for what existed before the start and which OS package a file is from. */
  original: ImageIndex | null;
  /** The rewrite's start command as its process sees it, and its folder. */
  start: string[] | null;
  workdir: string;
  /** Rule ids of the rewrite's edits: which one dropped a need. */
  rules: string[];
  /** --minimal was on: the app folder is read-only but for what detection found written. */
  minimal: boolean;
  finalImage: string | null;
  finalHasShell: boolean;
  /** The final image installs OS packages (slim: the builder's distribution, with apt or apk). */
  canInstallPackages: boolean;
  devDependencies: string[];
}

/**
 * What the check needs to know of a rewrite beyond its images: its start, folder, rules and final
 * image from the tool's result, and the devDependencies of the context's package.json (its text,
 * read by the caller; undefined for none).
 */
export function rewriteFactsOf(
  r: TransformResult,
  options: TransformOptions,
  packageJson: string | undefined,
): Omit<RewriteFacts, 'rewrite' | 'user' | 'original'> {
  let devDependencies: string[] = [];
  try {
    const pkg = JSON.parse(packageJson ?? '{}') as { devDependencies?: Record<string, string> };
    devDependencies = Object.keys(pkg.devDependencies ?? {}).sort();
  } catch {
    // An unreadable package.json names no devDependencies.
  }
  return {
    start: r.contract?.after.argv ?? null,
    workdir: r.contract?.after.workdir ?? '/',
    rules: r.edits.map((e) => e.rule),
    minimal: options.minimal === true,
    finalImage: r.finalImage ?? null,
    finalHasShell: r.finalHasShell !== false,
    canInstallPackages: r.target === 'slim',
    devDependencies,
  };
}

export type Verdict = 'ok' | 'mismatch' | 'warning' | 'launcher' | 'start-up';

export interface ObservationRow {
  kind: ObservedKind;
  /** A path (a folder ends with / when the row stands for files in it), a program, a port. */
  subject: string;
  /** How many observed paths or calls the row stands for. */
  count: number;
  /** The program that did it. */
  by: string;
  /** What the original did. */
  original: string;
  /** What the rewrite's image allows. */
  rewrite: string;
  verdict: Verdict;
  /** A mismatch: the rule whose edit dropped the need. */
  rule?: string;
  /** A mismatch: what --write does about it, or why it cannot. */
  fix?: string;
}

export interface ObservationCheck {
  rows: ObservationRow[];
  mismatches: number;
  warnings: number;
  /** Mismatches by kind. */
  byKind: Partial<Record<ObservedKind, number>>;
  /** What --write can add to the rewrite. */
  needs: ObservedNeeds;
  /** Mismatches no change to the rewrite can fix, each with the reason. */
  unfixable: string[];
}

type Fix =
  | { keep: string }
  | { own: string }
  | { make: string }
  | { pkg: string; file: string }
  | { program: string }
  | { dev: string; folder: string }
  | { cannot: string };

interface Finding {
  need: Observed;
  verdict: Verdict;
  rewrite: string;
  rule?: string;
  fix?: Fix;
}

const SHELLS = /^(sh|bash|dash|ash|zsh|ksh|mksh|busybox)$/;
const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const UTC = /zoneinfo\/(Etc\/)?(UTC|UCT|Universal|Zulu)$/;

function under(path: string, folder: string): boolean {
  return folder === '/' || path === folder || path.startsWith(`${folder}/`);
}

function fixText(fix: Fix, user: ImageUser): string {
  if ('keep' in fix) return `keep ${fix.keep} (COPY --from=builder)`;
  if ('own' in fix) return `own ${fix.own} (COPY --from=builder --chown=${user.uid}:${user.gid})`;
  if ('make' in fix) return `make ${fix.make} owned by ${user.uid}:${user.gid}`;
  if ('pkg' in fix) return `install the OS package ${fix.pkg} in the final stage`;
  if ('program' in fix) return `keep the program ${fix.program} (COPY --from=builder)`;
  if ('dev' in fix) return `keep devDependencies (drop the prune): the app loads ${fix.dev}`;
  return `cannot be fixed: ${fix.cannot}`;
}

function fixKey(fix: Fix | undefined): string {
  return fix ? JSON.stringify(fix) : '';
}

export function checkObservation(obs: Observation, f: RewriteFacts): ObservationCheck {
  const who = `${f.user.uid}`;
  const finalRule =
    f.rules.find((r) => /^(node|go|static)\/[a-z]+-final-stage$/.test(r)) ?? 'the final stage';
  const appRule = f.rules.includes('go/runtime-files')
    ? 'go/runtime-files'
    : f.rules.includes('go/runtime-folder')
      ? 'go/runtime-folder'
      : finalRule;
  const writeRule = f.minimal
    ? (f.rules.find((r) => /\/writable-paths$/.test(r)) ?? 'common/nonroot-user')
    : 'common/nonroot-user';
  const appFolder = obs.app?.cwd ?? obs.start.cwd;
  const inOriginal = (p: string) => (f.original ? resolvePath(f.original, p).entry !== null : true);
  const inRewrite = (p: string) => resolvePath(f.rewrite, p).entry !== null;
  const packageOf = (p: string, real?: string) => {
    if (!f.original) return undefined;
    const o = f.original.packages;
    return o.get(p) ?? (real ? o.get(real) : undefined) ?? o.get(resolvePath(f.original, p).path);
  };

  // Paths the run itself made: reading them later asks nothing of the image.
  const made = new Set<string>();
  for (const n of obs.needs) {
    if (n.phase === 'launcher') continue;
    if (n.kind === 'mkdir') made.add(n.subject);
    if (n.kind === 'write' && n.ops!.some((o) => ['create', 'rename', 'link', 'bind'].includes(o)))
      made.add(n.subject);
  }
  const madeAtRun = (p: string) => made.has(p) && !inOriginal(p);

  // The rewrite's program: when it is another binary than the original's (distroless node for
  // node:22's), what the original's runtime read before the app's own files is its own start.
  const program = rewriteProgram(f);
  const originalExe =
    obs.app?.exe && f.original ? resolvePath(f.original, obs.app.exe).path : obs.app?.exe;
  const runtimeReplaced = obs.app !== null && program !== null && program !== originalExe;

  /** A file or folder that is gone: what to keep, or why it cannot be. */
  const missing = (p: string, real: string | undefined, asProgram: boolean): Finding['fix'] => {
    const m = /^(.*\/node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(p);
    if (m && f.devDependencies.includes(m[2]) && f.rules.includes('node/prune-dev-dependencies'))
      return { dev: m[2], folder: m[1] };
    const pkg = under(p, appFolder) ? undefined : packageOf(p, real);
    if (pkg) {
      if (f.canInstallPackages) return { pkg, file: p };
      return {
        cannot: `it comes from the OS package ${pkg}, which ${f.finalImage ?? 'the final image'} cannot install (no package manager); --target slim keeps the builder's distribution`,
      };
    }
    if (!inOriginal(p)) return { cannot: 'it is not in the original image either' };
    if (asProgram) return { program: p };
    // The topmost missing folder inside the app's folder is kept whole: what else it holds may be
    // read on a path the probes did not take.
    let top = p;
    for (let d = posix.dirname(p); d !== '/' && !inRewrite(d); d = posix.dirname(d)) top = d;
    return { keep: under(top, appFolder) && top !== appFolder ? top : p };
  };

  /** Making `path` (a file, a folder, a socket, a rename's target): can the user, and if not, the fix. */
  const create = (path: string, isFolder: boolean): Omit<Finding, 'need'> => {
    const parent = posix.dirname(path);
    let anchor = parent;
    while (anchor !== '/' && !inRewrite(anchor)) anchor = posix.dirname(anchor);
    const between: string[] = [];
    for (let d = parent; d !== anchor; d = posix.dirname(d)) between.unshift(d);
    const dropped = between.filter((d) => !madeAtRun(d) && inOriginal(d));
    if (dropped.length > 0)
      return {
        verdict: 'mismatch',
        rewrite: `folder ${dropped[0]} is missing`,
        rule: appRule,
        fix: { own: dropped[0] },
      };
    const access = checkAccess(f.rewrite, anchor, f.user, 'wx');
    if (access.ok) return { verdict: 'ok', rewrite: `${anchor} is writable by ${who}` };
    const fix: Fix =
      between.length > 0
        ? { make: between[0] }
        : isFolder
          ? { make: path }
          : inOriginal(anchor)
            ? { own: anchor }
            : { cannot: `${anchor} is not in the original image` };
    return { verdict: 'mismatch', rewrite: `cannot create: ${access.why}`, rule: writeRule, fix };
  };

  const findings: Finding[] = [];
  for (const n of obs.needs) {
    if (n.phase === 'launcher') {
      findings.push({ need: n, verdict: 'launcher', rewrite: 'not run' });
      continue;
    }
    if (n.phase === 'start' || (n.phase === 'early' && runtimeReplaced)) {
      findings.push({ need: n, verdict: 'start-up', rewrite: 'its own start' });
      continue;
    }
    const finding = (x: Omit<Finding, 'need'>) => findings.push({ need: n, ...x });
    switch (n.kind) {
      case 'read': {
        if (madeAtRun(n.subject)) {
          finding({ verdict: 'ok', rewrite: 'made at run time' });
          break;
        }
        const r = resolvePath(f.rewrite, n.subject);
        if (r.entry) {
          const a = checkAccess(f.rewrite, n.subject, f.user, n.directory ? 'rx' : 'r');
          if (a.ok) finding({ verdict: 'ok', rewrite: `readable by ${who}` });
          else
            finding({
              verdict: 'mismatch',
              rewrite: `not readable by ${who}: ${a.why}`,
              rule: writeRule,
              fix: inOriginal(n.subject)
                ? { own: n.subject }
                : { cannot: 'it is not in the original image' },
            });
          break;
        }
        if (n.subject === '/etc/localtime' && UTC.test(n.real ?? '')) {
          finding({ verdict: 'ok', rewrite: 'absent, which means UTC, as the original had' });
          break;
        }
        const fix = missing(n.subject, n.real, false);
        finding({
          verdict: 'mismatch',
          rewrite: `missing (${r.missing ?? n.subject} does not exist)`,
          rule:
            fix && 'dev' in fix
              ? 'node/prune-dev-dependencies'
              : under(n.subject, appFolder)
                ? appRule
                : finalRule,
          fix,
        });
        break;
      }
      case 'write': {
        const ops = n.ops ?? [];
        const exists = inRewrite(n.subject) && !madeAtRun(n.subject);
        if (exists && (ops.includes('chmod') || ops.includes('chown'))) {
          const e = resolvePath(f.rewrite, n.subject).entry!;
          if (e.uid !== f.user.uid) {
            finding({
              verdict: 'mismatch',
              rewrite: `owned by ${describeOwner(e)}, not ${who}: only its owner may change its mode`,
              rule: writeRule,
              fix: inOriginal(n.subject) ? { own: n.subject } : { cannot: 'not in the original' },
            });
            break;
          }
        }
        if (
          exists &&
          ops.every((o) => o === 'open' || o === 'create' || o === 'chmod' || o === 'chown')
        ) {
          const a = checkAccess(f.rewrite, n.subject, f.user, 'w');
          if (a.ok) finding({ verdict: 'ok', rewrite: `writable by ${who}` });
          else
            finding({
              verdict: 'mismatch',
              rewrite: `not writable by ${who}: ${a.why}`,
              rule: writeRule,
              fix: inOriginal(n.subject) ? { own: n.subject } : { cannot: 'not in the original' },
            });
          break;
        }
        if (!exists && !madeAtRun(n.subject) && inOriginal(n.subject) && ops.includes('open')) {
          const fix = missing(n.subject, undefined, false);
          finding({
            verdict: 'mismatch',
            rewrite: 'missing',
            rule: under(n.subject, appFolder) ? appRule : finalRule,
            fix: fix && 'keep' in fix ? { own: fix.keep } : fix,
          });
          break;
        }
        const c = create(n.subject, false);
        findings.push({ ...c, need: n });
        break;
      }
      case 'mkdir': {
        const r = resolvePath(f.rewrite, n.subject);
        if (r.entry?.type === 'dir') {
          const a = checkAccess(f.rewrite, n.subject, f.user, 'wx');
          finding({
            verdict: 'ok',
            rewrite: `already there${a.ok ? `, writable by ${who}` : ''}`,
          });
          break;
        }
        findings.push({ ...create(n.subject, true), need: n });
        break;
      }
      case 'exec': {
        const base = posix.basename(n.subject);
        const r = resolvePath(f.rewrite, n.subject);
        if (!r.entry) {
          const fix: Fix =
            SHELLS.test(base) && !f.finalHasShell
              ? {
                  cannot: `the app runs a shell, and ${f.finalImage ?? 'the final image'} has none (--target slim keeps one)`,
                }
              : missing(n.subject, undefined, true)!;
          finding({ verdict: 'mismatch', rewrite: 'missing', rule: finalRule, fix });
          break;
        }
        const a = checkAccess(f.rewrite, n.subject, f.user, 'x');
        if (!a.ok) {
          finding({
            verdict: 'mismatch',
            rewrite: `not runnable by ${who}: ${a.why}`,
            rule: writeRule,
            fix: { cannot: 'its mode does not let the final user run it' },
          });
          break;
        }
        const interpreter = interpreterOf(r.entry.head);
        if (interpreter && !inRewrite(interpreter)) {
          const fix: Fix =
            SHELLS.test(posix.basename(interpreter)) && !f.finalHasShell
              ? {
                  cannot: `it is a script run by ${interpreter}, and ${f.finalImage ?? 'the final image'} has no shell`,
                }
              : missing(interpreter, undefined, true)!;
          finding({
            verdict: 'mismatch',
            rewrite: `its interpreter ${interpreter} is missing`,
            rule: finalRule,
            fix,
          });
          break;
        }
        const lost = (n.libraries ?? []).filter((l) => !inRewrite(l));
        if (lost.length > 0) {
          for (const l of lost)
            findings.push({
              need: { ...n, kind: 'read', subject: l, count: 1 },
              verdict: 'mismatch',
              rewrite: `missing: a library ${n.subject} loads`,
              rule: finalRule,
              fix: missing(l, undefined, false),
            });
          break;
        }
        finding({
          verdict: 'ok',
          rewrite: interpreter ? `present (runs through ${interpreter})` : 'present',
        });
        break;
      }
      case 'unix-connect': {
        const boundHere = obs.needs.some(
          (o) => o.kind === 'write' && o.subject === n.subject && o.ops?.includes('bind'),
        );
        if (boundHere) {
          finding({ verdict: 'ok', rewrite: 'the app makes it itself' });
          break;
        }
        // A socket is opened for writing by connect(2); one the image does not hold comes from a
        // mount or another process at run time, whose owner only the deployment knows.
        if (!inRewrite(n.subject)) {
          finding({
            verdict: 'warning',
            rewrite: `not in the image (made or mounted at run time): the original connected as root; ${who} can only if the socket's owner, group or mode allows it (a mounted docker.sock needs --group-add with its group)`,
          });
          break;
        }
        const a = checkAccess(f.rewrite, n.subject, f.user, 'w');
        if (a.ok) finding({ verdict: 'ok', rewrite: `in the image, writable by ${who}` });
        else finding({ verdict: 'warning', rewrite: `${who} cannot open it: ${a.why}` });
        break;
      }
      case 'bind': {
        if ((n.port ?? 0) < 1024 && f.user.uid !== 0)
          finding({
            verdict: 'warning',
            rewrite: `${who} may bind ports below 1024 only where net.ipv4.ip_unprivileged_port_start allows it: Docker's default bridge network does, host networking and Kubernetes do not (common/low-port)`,
          });
        else finding({ verdict: 'ok', rewrite: 'allowed' });
        break;
      }
      case 'setid': {
        const ids = [...n.subject.matchAll(/\b(\d+)\b/g)].map((m) => Number(m[1]));
        const mine = [f.user.uid, f.user.gid, ...f.user.groups];
        if (
          f.user.uid === 0 ||
          ids.every((i) => mine.includes(i) || (i === 0 && /^setgroups\(0/.test(n.subject)))
        )
          finding({ verdict: 'ok', rewrite: 'already that user' });
        else
          finding({
            verdict: 'mismatch',
            rewrite: `runs as ${who}, which may not change user`,
            rule: 'common/nonroot-user',
            fix: {
              cannot: `the original switches its user itself (${n.subject}), as root; start it as that user instead`,
            },
          });
        break;
      }
    }
  }
  return summarise(findings, f, program, originalExe);
}

/** The rewrite's program as a path: absolute, against its folder, or found on the usual PATH. */
function rewriteProgram(f: RewriteFacts): string | null {
  const p = f.start?.[0];
  if (!p) return null;
  if (p.includes('/')) return resolvePath(f.rewrite, posix.resolve(f.workdir, p)).path;
  for (const d of PATH_DIRS) {
    const r = resolvePath(f.rewrite, `${d}/${p}`);
    if (r.entry) return r.path;
  }
  return null;
}

const WRITE_VERBS: Record<string, string> = {
  open: 'wrote',
  create: 'created',
  rename: 'renamed',
  unlink: 'removed',
  link: 'linked',
  chmod: 'changed the mode of',
  chown: 'changed the owner of',
  bind: 'made a socket at',
};

function verb(n: Observed): string {
  switch (n.kind) {
    case 'read':
      return n.directory ? 'listed' : 'read';
    case 'write':
      return (n.ops ?? []).map((o) => WRITE_VERBS[o] ?? o).join(', ');
    case 'mkdir':
      return 'made';
    case 'exec':
      return `ran (${n.argv ?? n.by})`;
    case 'unix-connect':
      return 'connected';
    case 'bind': {
      const a = n.address === undefined || n.address === '' ? '*' : n.address;
      return `bound ${a.includes(':') ? `[${a}]` : a}:${n.port}`;
    }
    case 'setid':
      return 'called';
  }
}

/** Rows for people: mismatches by what fixes them, what was fine grouped by folder. */
function summarise(
  findings: Finding[],
  f: RewriteFacts,
  program: string | null,
  originalExe: string | null | undefined,
): ObservationCheck {
  const rows: ObservationRow[] = [];
  const needs: ObservedNeeds = {
    keepPaths: [],
    ownPaths: [],
    makePaths: [],
    osPackages: [],
    programs: [],
    devDependencies: [],
  };
  const unfixable: string[] = [];
  const evidence: Record<string, string> = {};
  const byKind: ObservationCheck['byKind'] = {};
  const groups = new Map<string, { rows: Finding[] }>();
  const folderOf = (p: string) => {
    const m = /^(.*?\/node_modules)\//.exec(p);
    return m ? `${m[1]}/` : `${posix.dirname(p)}/`.replace(/^\/\/$/, '/');
  };
  for (const x of findings) {
    let key: string;
    if (x.verdict === 'mismatch') key = `m\0${x.need.kind}\0${fixKey(x.fix)}\0${x.rule}`;
    else if (x.verdict === 'launcher' || x.verdict === 'start-up')
      key = `${x.verdict}\0${x.need.by}`;
    else if (x.verdict === 'ok' && (x.need.kind === 'read' || x.need.kind === 'write'))
      key = `ok\0${x.need.kind}\0${folderOf(x.need.subject)}`;
    else key = `${x.verdict}\0${x.need.kind}\0${x.need.subject}`;
    const g = groups.get(key) ?? { rows: [] };
    g.rows.push(x);
    groups.set(key, g);
  }
  for (const [key, g] of groups) {
    const first = g.rows[0];
    const n = first.need;
    const count = g.rows.reduce((s, r) => s + (r.verdict === 'mismatch' ? 1 : r.need.count), 0);
    const paths = [...new Set(g.rows.map((r) => r.need.subject))];
    if (first.verdict === 'launcher' || first.verdict === 'start-up') {
      const tally = new Map<string, number>();
      for (const r of g.rows) tally.set(r.need.kind, (tally.get(r.need.kind) ?? 0) + 1);
      const what = [...tally].map(([k, c]) => `${k} ${c}`).join(', ');
      rows.push({
        kind: 'exec',
        subject: n.by,
        count: g.rows.length,
        by: n.by,
        original: what,
        rewrite:
          first.verdict === 'launcher'
            ? `not run: the rewrite starts ${(f.start ?? []).join(' ') || 'its program'} itself`
            : program !== null && program === originalExe
              ? `not asked: the same program, which the rewrite's run starts`
              : `not asked: the rewrite runs its own ${f.start?.[0] ?? 'program'}, and its run shows it starts`,
        verdict: first.verdict,
      });
      continue;
    }
    if (first.verdict === 'mismatch') {
      const fix = first.fix!;
      const subject = fixSubject(fix) ?? n.subject;
      rows.push({
        kind: n.kind,
        subject: paths.length > 1 && !subject.endsWith('/') ? `${subject}` : subject,
        count,
        by: n.by,
        original:
          paths.length > 1
            ? `${[...new Set(g.rows.map((r) => verb(r.need)))].join(', ')} ${paths.length} paths, e.g. ${paths[paths.length - 1]}`
            : `${verb(n)} ${paths[0]}`,
        rewrite: first.rewrite,
        verdict: 'mismatch',
        rule: first.rule,
        fix: fixText(fix, f.user),
      });
      byKind[n.kind] = (byKind[n.kind] ?? 0) + 1;
      // Folders end with / in the needs: common/observed-needs copies a folder otherwise.
      const folder = (p: string) =>
        f.original && resolvePath(f.original, p).entry?.type === 'dir' ? `${p}/` : p;
      const target = needTarget(fix, folder);
      if (target) {
        (needs[target.list] as string[]).push(target.value);
        const said = rows[rows.length - 1].original;
        evidence[target.value] = evidence[target.value]
          ? `${evidence[target.value]}; ${said}`
          : said;
      } else unfixable.push(`${n.kind} ${subject}: ${(fix as { cannot: string }).cannot}`);
      continue;
    }
    const grouped = key.startsWith('ok\0') && paths.length > 1;
    rows.push({
      kind: n.kind,
      subject: grouped ? key.split('\0')[2] : n.subject,
      count,
      by: [...new Set(g.rows.map((r) => r.need.by))].join('; '),
      original: grouped ? `${verb(n)} ${paths.length} paths` : verb(n),
      rewrite: first.rewrite,
      verdict: first.verdict,
    });
  }
  const order: Verdict[] = ['mismatch', 'warning', 'ok', 'start-up', 'launcher'];
  rows.sort(
    (a, b) =>
      order.indexOf(a.verdict) - order.indexOf(b.verdict) ||
      a.kind.localeCompare(b.kind) ||
      a.subject.localeCompare(b.subject),
  );
  return {
    rows,
    mismatches: rows.filter((r) => r.verdict === 'mismatch').length,
    warnings: rows.filter((r) => r.verdict === 'warning').length,
    byKind,
    needs: tidyNeeds({ ...needs, evidence }),
    unfixable: unfixable.sort(),
  };
}

/** Which list of the needs a fix goes to, and what it adds there. */
function needTarget(
  fix: Fix,
  folder: (p: string) => string,
): { list: keyof ObservedNeeds; value: string } | null {
  if ('keep' in fix) return { list: 'keepPaths', value: folder(fix.keep) };
  if ('own' in fix) return { list: 'ownPaths', value: folder(fix.own) };
  if ('make' in fix) return { list: 'makePaths', value: `${fix.make}/` };
  if ('pkg' in fix) return { list: 'osPackages', value: fix.pkg };
  if ('program' in fix) return { list: 'programs', value: fix.program };
  if ('dev' in fix) return { list: 'devDependencies', value: fix.dev };
  return null;
}

function fixSubject(fix: Fix): string | null {
  if ('keep' in fix) return fix.keep;
  if ('own' in fix) return fix.own;
  if ('make' in fix) return fix.make;
  if ('program' in fix) return fix.program;
  if ('pkg' in fix) return fix.file;
  if ('dev' in fix) return fix.folder;
  return null;
}

/** Sorted, without duplicates, and without paths a kept or owned folder already brings. */
export function tidyNeeds(n: ObservedNeeds): ObservedNeeds {
  const bare = (p: string) => (p.length > 1 ? p.replace(/\/$/, '') : p);
  const uniq = (a: string[] = []) => [...new Set(a)].sort();
  const covered = (p: string, by: string[]) =>
    by.some((b) => bare(b) !== bare(p) && b.endsWith('/') && under(bare(p), bare(b)));
  const same = (p: string, by: string[]) => by.some((b) => bare(b) === bare(p));
  const own = uniq(n.ownPaths).filter((p, _i, all) => !covered(p, all));
  const make = uniq(n.makePaths).filter((p, _i, all) => !covered(p, all) && !covered(p, own));
  const keep = uniq(n.keepPaths).filter(
    (p, _i, all) => !covered(p, all) && !same(p, own) && !covered(p, own),
  );
  const programs = uniq(n.programs).filter((p) => !covered(p, keep) && !covered(p, own));
  const listed = new Set([
    ...keep,
    ...own,
    ...make,
    ...programs,
    ...uniq(n.osPackages),
    ...uniq(n.devDependencies),
  ]);
  const evidence = Object.fromEntries(
    Object.entries(n.evidence ?? {}).filter(([k]) => listed.has(k)),
  );
  return {
    keepPaths: keep,
    ownPaths: own,
    makePaths: make,
    osPackages: uniq(n.osPackages),
    programs,
    devDependencies: uniq(n.devDependencies),
    ...(Object.keys(evidence).length > 0 ? { evidence } : {}),
  };
}

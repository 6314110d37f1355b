/**
 * An image's file system as `docker export` streams it, kept as an index of its entries (type,
 * mode, owner, link target) and read like the kernel would for one user: does a path exist, after
 * symbolic links, and may that user read, write, run or create there. For observe: what the
 * original was seen to need is looked up in the rewrite's index. Pure: bytes in, facts out.
 */
import { posix } from 'path';
import { TarEntry, TarReader, TarVisitor } from './tar';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface IndexEntry {
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Link target as written (symbolic and hard links). */
  link: string;
  /** The first bytes of an executable file (ELF header, #! line), when they were kept. */
  head?: Buffer;
}

export interface ImageIndex {
  /** Keyed by absolute path (`/usr/bin/node`); folders that only appear as parents are added. */
  entries: Map<string, IndexEntry>;
  passwd: Array<{ name: string; uid: number; gid: number }>;
  group: Array<{ name: string; gid: number; members: string[] }>;
  /** The OS package each file belongs to (dpkg's file lists, apk's database), by path. */
  packages: Map<string, string>;
  /** The package database found: how the image installs OS packages. */
  packageManager: 'dpkg' | 'apk' | null;
}

export interface IndexOptions {
  /** Keep the first bytes of executable files, to read their ELF interpreter or #! line. */
  heads?: boolean;
  /** Read dpkg's and apk's file lists, to say which package a file comes from. */
  packages?: boolean;
}

const HEAD_BYTES = 4096;
const LIST_LIMIT = 16 * 1024 * 1024;
const DPKG_INFO = /^var\/lib\/dpkg\/info\/([^/]+?)(?::[a-z0-9_-]+)?\.list$/;
const APK_DB = 'lib/apk/db/installed';

function typeOf(flag: string): EntryType {
  if (flag === '0' || flag === '7' || flag === '\0') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

/** Reads a tar stream into an ImageIndex. */
export class ImageIndexScanner implements TarVisitor {
  private readonly reader = new TarReader(this);
  private readonly entries = new Map<string, IndexEntry>();
  private readonly texts = new Map<string, string>();
  private readonly dpkgLists = new Map<string, string>();

  constructor(private readonly options: IndexOptions = {}) {}

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  entry(e: TarEntry): number {
    if (e.name === '') return 0;
    const type = typeOf(e.type);
    this.entries.set(`/${e.name}`, {
      type,
      mode: e.mode & 0o7777,
      uid: e.uid,
      gid: e.gid,
      link: e.link,
    });
    if (type !== 'file') return 0;
    if (e.name === 'etc/passwd' || e.name === 'etc/group') return LIST_LIMIT;
    if (this.options.packages && (DPKG_INFO.test(e.name) || e.name === APK_DB)) return LIST_LIMIT;
    if (this.options.heads && e.mode & 0o111) return HEAD_BYTES;
    return 0;
  }

  data(e: TarEntry, data: Buffer): void {
    const m = DPKG_INFO.exec(e.name);
    if (m) this.dpkgLists.set(m[1], data.toString('utf8'));
    else if (e.name === 'etc/passwd' || e.name === 'etc/group' || e.name === APK_DB)
      this.texts.set(e.name, data.toString('utf8'));
    // An executable's first bytes may also be needed when it is etc/passwd (it never is).
    if (this.options.heads && e.mode & 0o111) {
      const entry = this.entries.get(`/${e.name}`);
      if (entry) entry.head = data.subarray(0, HEAD_BYTES);
    }
  }

  result(): ImageIndex {
    const entries = this.entries;
    for (const p of [...entries.keys()]) {
      for (let d = posix.dirname(p); d !== '/' && !entries.has(d); d = posix.dirname(d))
        entries.set(d, { type: 'dir', mode: 0o755, uid: 0, gid: 0, link: '' });
    }
    const index: ImageIndex = {
      entries,
      passwd: parsePasswdEntries(this.texts.get('etc/passwd') ?? ''),
      group: parseGroupEntries(this.texts.get('etc/group') ?? ''),
      packages: new Map(),
      packageManager: null,
    };
    if (this.dpkgLists.size > 0 || entries.has('/var/lib/dpkg/status'))
      index.packageManager = 'dpkg';
    else if (entries.has(`/${APK_DB}`)) index.packageManager = 'apk';
    const own = (file: string, pkg: string) => {
      if (!index.packages.has(file)) index.packages.set(file, pkg);
    };
    for (const [pkg, list] of this.dpkgLists)
      for (const line of list.split('\n'))
        if (line.startsWith('/') && line !== '/.') own(line, pkg);
    const apk = this.texts.get(APK_DB);
    if (apk) for (const [file, pkg] of apkFiles(apk)) own(file, pkg);
    // dpkg lists name a file by the path its package ships it under (/lib/x86_64-linux-gnu/...),
    // a process opens it by another (/usr/lib/... once /lib is a link): both are looked up.
    for (const [file, pkg] of [...index.packages]) {
      const real = resolvePath(index, file, true);
      if (real.entry && real.entry.type !== 'dir') own(real.path, pkg);
    }
    return index;
  }
}

export function scanIndex(data: Buffer, options: IndexOptions = {}): ImageIndex {
  const s = new ImageIndexScanner(options);
  s.push(data);
  return s.result();
}

function apkFiles(db: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pkg = '';
  let folder = '';
  for (const line of db.split('\n')) {
    if (line.startsWith('P:')) pkg = line.slice(2);
    else if (line.startsWith('F:')) folder = line.slice(2);
    else if (line.startsWith('R:') && pkg) out.push([`/${folder}/${line.slice(2)}`, pkg]);
  }
  return out;
}

export function parsePasswdEntries(text: string): ImageIndex['passwd'] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }));
}

export function parseGroupEntries(text: string): ImageIndex['group'] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]))
    .map((f) => ({
      name: f[0],
      gid: Number(f[2]),
      members: (f[3] ?? '').split(',').filter(Boolean),
    }));
}

export interface ImageUser {
  uid: number;
  gid: number;
  /** Supplementary groups, from /etc/group. */
  groups: number[];
  /** As configured (`65532:65532`, `node`, empty for root). */
  configured: string;
}

/**
 * The ids a container of the image runs with, as runc sets them: a name through /etc/passwd, a
 * uid without a group takes its passwd entry's group (or 0 when there is none), and the
 * supplementary groups are those /etc/group lists the user's name in. null: a name the image
 * does not have (Docker refuses to start it).
 */
export function resolveImageUser(index: ImageIndex, user: string): ImageUser | null {
  const [u, g] = user.split(':');
  const byName = (name: string) => index.passwd.find((p) => p.name === name);
  let uid: number;
  let entry: ImageIndex['passwd'][number] | undefined;
  if (u === undefined || u === '') {
    uid = 0;
    entry = index.passwd.find((p) => p.uid === 0);
  } else if (/^\d+$/.test(u)) {
    uid = Number(u);
    entry = index.passwd.find((p) => p.uid === uid);
  } else {
    entry = byName(u);
    if (!entry) return null;
    uid = entry.uid;
  }
  let gid: number;
  if (g === undefined || g === '') gid = entry?.gid ?? 0;
  else if (/^\d+$/.test(g)) gid = Number(g);
  else {
    const grp = index.group.find((x) => x.name === g);
    if (!grp) return null;
    gid = grp.gid;
  }
  const groups = entry
    ? index.group.filter((x) => x.members.includes(entry!.name)).map((x) => x.gid)
    : [];
  return { uid, gid, groups: [...new Set(groups)].filter((x) => x !== gid), configured: user };
}

export interface Resolved {
  /** The path after every symbolic link on the way (and the last one when followed). */
  path: string;
  entry: IndexEntry | null;
  /** The real folders walked through, root first, each needing search permission. */
  dirs: string[];
  /** When the path does not exist: the first component that is missing, or not a folder. */
  missing?: string;
}

const ROOT: IndexEntry = { type: 'dir', mode: 0o755, uid: 0, gid: 0, link: '' };

/** Looks a path up as the kernel resolves it: symbolic links in every component, `..` after them. */
export function resolvePath(index: ImageIndex, path: string, followLast = true): Resolved {
  const queue = path.split('/').filter((c) => c !== '' && c !== '.');
  let cur = '/';
  const dirs: string[] = ['/'];
  let hops = 0;
  while (queue.length > 0) {
    const comp = queue.shift()!;
    if (comp === '..') {
      cur = posix.dirname(cur);
      continue;
    }
    const next = cur === '/' ? `/${comp}` : `${cur}/${comp}`;
    const e = index.entries.get(next);
    if (!e) return { path: posix.join(next, ...queue), entry: null, dirs, missing: next };
    const last = queue.length === 0;
    if (e.type === 'symlink' && (!last || followLast)) {
      if (++hops > 40) return { path: next, entry: null, dirs, missing: next };
      const target = e.link.split('/').filter((c) => c !== '' && c !== '.');
      if (e.link.startsWith('/')) cur = '/';
      queue.unshift(...target);
      continue;
    }
    if (e.type === 'hardlink' && last) {
      const target = index.entries.get(`/${e.link.replace(/^\.?\/+/, '')}`);
      return { path: next, entry: target ?? e, dirs };
    }
    if (last) return { path: next, entry: e, dirs };
    if (e.type !== 'dir')
      return { path: posix.join(next, ...queue), entry: null, dirs, missing: next };
    cur = next;
    dirs.push(cur);
  }
  return { path: cur, entry: index.entries.get(cur) ?? ROOT, dirs };
}

/** rwx bits that apply to the user: owner's, group's, or other's. */
function bitsFor(e: IndexEntry, user: ImageUser): number {
  if (e.uid === user.uid) return (e.mode >> 6) & 7;
  if (e.gid === user.gid || user.groups.includes(e.gid)) return (e.mode >> 3) & 7;
  return e.mode & 7;
}

export function describeOwner(e: IndexEntry): string {
  return `${e.uid}:${e.gid} ${(e.mode & 0o7777).toString(8).padStart(4, '0')}`;
}

export type Access = { ok: true; path: string } | { ok: false; path: string; why: string };

/** Whether the user may do `want` (r, w, x, or any mix) on the path, and if not, why not. */
export function checkAccess(
  index: ImageIndex,
  path: string,
  user: ImageUser,
  want: string,
): Access {
  const r = resolvePath(index, path, true);
  if (!r.entry) return { ok: false, path: r.path, why: `${r.missing ?? path} does not exist` };
  for (const d of r.dirs) {
    const e = d === '/' ? (index.entries.get('/') ?? ROOT) : index.entries.get(d)!;
    if (user.uid !== 0 && !(bitsFor(e, user) & 1))
      return {
        ok: false,
        path: r.path,
        why: `folder ${d} (${describeOwner(e)}) cannot be searched`,
      };
  }
  const bits = user.uid === 0 ? 7 : bitsFor(r.entry, user);
  const need =
    (want.includes('r') ? 4 : 0) | (want.includes('w') ? 2 : 0) | (want.includes('x') ? 1 : 0);
  // root may run a file only when some x bit is set, and may read and write anything.
  const rootX = user.uid !== 0 || !(need & 1) || r.entry.type === 'dir' || r.entry.mode & 0o111;
  if ((bits & need) !== need || !rootX) {
    const verb = [
      need & 4 && 'read',
      need & 2 && 'written',
      need & 1 && (r.entry.type === 'dir' ? 'searched' : 'run'),
    ]
      .filter(Boolean)
      .join(' or ');
    return {
      ok: false,
      path: r.path,
      why: `${r.path} (${describeOwner(r.entry)}) cannot be ${verb}`,
    };
  }
  return { ok: true, path: r.path };
}

/** The folder nearest to `path` (itself included) that exists, after symbolic links. */
export function nearestExisting(index: ImageIndex, path: string): string {
  for (let p = posix.normalize(path); ; p = posix.dirname(p)) {
    const r = resolvePath(index, p, true);
    if (r.entry) return p;
    if (p === '/') return '/';
  }
}

/** The program a file runs through: its ELF interpreter or its #! line; null for neither or a static ELF. */
export function interpreterOf(head: Buffer | undefined): string | null {
  if (!head || head.length < 4) return null;
  if (head[0] === 0x23 && head[1] === 0x21) {
    const line = head.subarray(2, head.indexOf(0x0a) === -1 ? head.length : head.indexOf(0x0a));
    return line.toString('utf8').trim().split(/\s+/)[0] || null;
  }
  if (head[0] !== 0x7f || head.toString('latin1', 1, 4) !== 'ELF') return null;
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  const u16 = (o: number) => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number) => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const uword = (o: number) =>
    is64 ? Number(le ? head.readBigUInt64LE(o) : head.readBigUInt64BE(o)) : u32(o);
  if (head.length < (is64 ? 64 : 52)) return null;
  const phoff = uword(is64 ? 32 : 28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > head.length) return null;
    if (u32(at) !== 3) continue; // PT_INTERP
    const offset = uword(at + (is64 ? 8 : 4));
    const size = uword(at + (is64 ? 32 : 16));
    if (offset + size > head.length) return null;
    return head.toString('latin1', offset, offset + size).replace(/\0.*$/s, '') || null;
  }
  return null;
}

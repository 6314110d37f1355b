/**
 * The attack surface of an image, read from its file system as `docker export` streams it (a tar):
 * OS packages from the package databases, shells, setuid/setgid files, the file count and the uid
 * the configured USER resolves to. Pure: bytes in, facts out; the Docker calls live in verify.ts.
 */

export interface PackageCount {
  /** Packages installed according to every database found; null when the image has none. */
  count: number | null;
  /** The databases read, as image paths (`/var/lib/dpkg/status`, `/lib/apk/db/installed`, ...). */
  databases: string[];
}

export interface Surface {
  packages: PackageCount;
  /** Shell programs present (as files or links) in the standard binary folders, by path. */
  shells: string[];
  setuid: string[];
  setgid: string[];
  /** Entries that are not folders: regular files, links, devices. */
  files: number;
  /** The passwd entries of the image, used to resolve a USER name to a uid. */
  passwd: Map<string, number>;
}

/** Shell names looked for; busybox counts because its `sh` applet is a shell. */
const SHELL_NAMES = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'];
const BIN_DIRS = ['bin', 'usr/bin', 'sbin', 'usr/sbin', 'usr/local/bin'];
const SHELL_PATHS = new Set(BIN_DIRS.flatMap((d) => SHELL_NAMES.map((n) => `${d}/${n}`)));

const DPKG_STATUS = 'var/lib/dpkg/status';
/** Distroless images keep one dpkg status file per package here instead of one status file. */
const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';
const APK_DB = 'lib/apk/db/installed';
const PASSWD = 'etc/passwd';
/** Larger package databases than this are counted from their first bytes only (no image has one). */
const CAPTURE_LIMIT = 64 * 1024 * 1024;

const BLOCK = 512;

interface Entry {
  name: string;
  type: string;
  mode: number;
  size: number;
}

function wanted(name: string): boolean {
  return (
    name === DPKG_STATUS ||
    name === APK_DB ||
    name === PASSWD ||
    (name.startsWith(DPKG_STATUS_D) && !name.endsWith('.md5sums'))
  );
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? slice.length : nul).toString('utf8');
}

/** A numeric header field: octal text, or big-endian base-256 when the top bit is set (GNU/star). */
function numeric(buf: Buffer, start: number, length: number): number {
  if (buf[start] & 0x80) {
    let n = buf[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + buf[i];
    return n;
  }
  const text = cString(buf, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** `%d key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = parseInt(data.subarray(i, space).toString('ascii'), 10);
    if (!(len > 0)) break;
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/** Paragraphs of a dpkg status file whose Status says the package is installed. */
export function countDpkgInstalled(text: string): number {
  return text
    .split(/\n\s*\n/)
    .filter((p) => /^Package:/m.test(p))
    .filter((p) => {
      const status = /^Status:\s*(.*)$/m.exec(p);
      // status.d entries of distroless carry no Status field: each file is an installed package.
      // Otherwise the field is `want flag status`; only the status `installed` counts.
      return status === null || status[1].trim().split(/\s+/)[2] === 'installed';
    }).length;
}

/** Packages in an apk database (`P:` lines, one per package). */
export function countApkInstalled(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('P:')).length;
}

export function parsePasswd(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid)) out.set(name, Number(uid));
  }
  return out;
}

/**
 * The uid a USER value runs as: numeric as written, a name through the image's passwd, empty as
 * root. null when a name is not in passwd (Docker refuses to start such a container).
 */
export function resolveUid(user: string, passwd: Map<string, number>): number | null {
  const name = user.split(':')[0];
  if (name === '') return 0;
  if (/^\d+$/.test(name)) return Number(name);
  return passwd.get(name) ?? null;
}

/** Reads a tar stream chunk by chunk; keeps only the headers and the few files it needs. */
export class SurfaceScanner {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current entry's data (plus padding) still to come. */
  private skip = 0;
  private capture: { entry: Entry; parts: Buffer[]; bytes: number } | null = null;
  private captureLeft = 0;
  private nextName: string | null = null;
  private ended = false;
  private readonly captured = new Map<string, Buffer>();
  private readonly shells = new Set<string>();
  private readonly setuid: string[] = [];
  private readonly setgid: string[] = [];
  private files = 0;

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - offset);
        if (this.capture && this.captureLeft > 0) {
          const take = Math.min(n, this.captureLeft);
          if (this.capture.bytes < CAPTURE_LIMIT)
            this.capture.parts.push(Buffer.from(chunk.subarray(offset, offset + take)));
          this.capture.bytes += take;
          this.captureLeft -= take;
        }
        this.skip -= n;
        offset += n;
        if (this.skip === 0 && this.capture) this.finishCapture();
        continue;
      }
      const n = Math.min(BLOCK - this.pendingBytes, chunk.length - offset);
      this.pending.push(chunk.subarray(offset, offset + n));
      this.pendingBytes += n;
      offset += n;
      if (this.pendingBytes === BLOCK) {
        const header = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.header(header);
      }
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const type = String.fromCharCode(block[156] || 0x30);
    const size = numeric(block, 124, 12);
    const magic = cString(block, 257, 6);
    const prefix = magic === 'ustar' ? cString(block, 345, 155) : '';
    let name = cString(block, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    if (this.nextName !== null && type !== 'x' && type !== 'L') {
      name = this.nextName;
      this.nextName = null;
    }
    const entry: Entry = { name: normalise(name), type, mode: numeric(block, 100, 8), size };
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const isMeta = type === 'x' || type === 'L';
    if (!isMeta && type !== 'g' && type !== 'K') this.record(entry);
    if (padded === 0) return;
    this.skip = padded;
    if (isMeta || ((type === '0' || type === '7') && wanted(entry.name))) {
      this.capture = { entry, parts: [], bytes: 0 };
      this.captureLeft = size;
    }
  }

  private finishCapture(): void {
    const { entry, parts } = this.capture!;
    this.capture = null;
    const data = Buffer.concat(parts);
    if (entry.type === 'L') this.nextName = cString(data, 0, data.length);
    else if (entry.type === 'x') {
      const path = paxRecords(data).get('path');
      if (path !== undefined) this.nextName = path;
    } else this.captured.set(entry.name, data);
  }

  private record(e: Entry): void {
    if (e.type === '5') return;
    this.files++;
    if (SHELL_PATHS.has(e.name)) this.shells.add(`/${e.name}`);
    if (e.type === '0' || e.type === '7') {
      if (e.mode & 0o4000) this.setuid.push(`/${e.name}`);
      if (e.mode & 0o2000) this.setgid.push(`/${e.name}`);
    }
  }

  result(): Surface {
    const databases: string[] = [];
    let count = 0;
    for (const [name, data] of [...this.captured].sort(([a], [b]) => a.localeCompare(b))) {
      if (name === PASSWD) continue;
      databases.push(`/${name}`);
      count +=
        name === APK_DB
          ? countApkInstalled(data.toString('utf8'))
          : countDpkgInstalled(data.toString('utf8'));
    }
    const passwd = this.captured.get(PASSWD);
    return {
      packages: { count: databases.length > 0 ? count : null, databases: summariseDbs(databases) },
      shells: [...this.shells].sort(),
      setuid: this.setuid.sort(),
      setgid: this.setgid.sort(),
      files: this.files,
      passwd: passwd ? parsePasswd(passwd.toString('utf8')) : new Map(),
    };
  }
}

/** One line per database: the status.d folder stands for its many files. */
function summariseDbs(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) out.add(p.startsWith(`/${DPKG_STATUS_D}`) ? `/${DPKG_STATUS_D}` : p);
  return [...out];
}

function normalise(name: string): string {
  return name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

export function scanTar(data: Buffer): Surface {
  const s = new SurfaceScanner();
  s.push(data);
  return s.result();
}

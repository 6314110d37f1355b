/**
 * The attack surface of an image, read from its file system as `docker export` streams it (a tar):
 * OS packages from the package databases, shells, setuid/setgid files, the file count and the uid
 * the configured USER resolves to. Pure: bytes in, facts out; the Docker calls live in verify.ts.
 */
import { TarEntry, TarReader, TarVisitor } from './tar';

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

function wanted(name: string): boolean {
  return (
    name === DPKG_STATUS ||
    name === APK_DB ||
    name === PASSWD ||
    (name.startsWith(DPKG_STATUS_D) && !name.endsWith('.md5sums'))
  );
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
export class SurfaceScanner implements TarVisitor {
  private readonly reader = new TarReader(this);
  private readonly captured = new Map<string, Buffer>();
  private readonly shells = new Set<string>();
  private readonly setuid: string[] = [];
  private readonly setgid: string[] = [];
  private files = 0;

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  entry(e: TarEntry): number {
    if (e.type === '5') return 0;
    this.files++;
    if (SHELL_PATHS.has(e.name)) this.shells.add(`/${e.name}`);
    if (e.type === '0' || e.type === '7') {
      if (e.mode & 0o4000) this.setuid.push(`/${e.name}`);
      if (e.mode & 0o2000) this.setgid.push(`/${e.name}`);
      if (wanted(e.name)) return CAPTURE_LIMIT;
    }
    return 0;
  }

  data(e: TarEntry, data: Buffer): void {
    this.captured.set(e.name, data);
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

export function scanTar(data: Buffer): Surface {
  const s = new SurfaceScanner();
  s.push(data);
  return s.result();
}

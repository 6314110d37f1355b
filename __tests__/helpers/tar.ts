// A ustar writer for tests: a file system with the owners and modes a test needs, as
// `docker export` would stream it, without running as root to chown files.
import { ImageIndex, IndexOptions, scanIndex } from '../../src/verify/image-index';

export interface TarFile {
  /** Without a leading slash; folders may end with / . */
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode?: number;
  uid?: number;
  gid?: number;
  content?: string | Buffer;
  link?: string;
}

const TYPE = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function header(f: TarFile, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text, at, len, 'utf8');
  const octal = (n: number, at: number, len: number) =>
    put(n.toString(8).padStart(len - 1, '0') + '\0', at, len);
  const type = f.type ?? (f.name.endsWith('/') ? 'dir' : 'file');
  put(f.name.replace(/\/$/, '') + (type === 'dir' ? '/' : ''), 0, 100);
  octal(f.mode ?? (type === 'dir' ? 0o755 : 0o644), 100, 8);
  octal(f.uid ?? 0, 108, 8);
  octal(f.gid ?? 0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  h.fill(0x20, 148, 156);
  put(TYPE[type], 156, 1);
  put(f.link ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

export function makeTar(files: TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const data =
      f.type === 'symlink' || f.type === 'hardlink' || f.type === 'dir' || f.name.endsWith('/')
        ? Buffer.alloc(0)
        : Buffer.from(f.content ?? '');
    parts.push(header(f, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function indexOf(files: TarFile[], options: IndexOptions = {}): ImageIndex {
  return scanIndex(makeTar(files), options);
}

/** A distroless-like root: merged /usr, /tmp 1777, nonroot in passwd, no shell. */
export const DISTROLESS_BASE: TarFile[] = [
  { name: 'bin', type: 'symlink', link: 'usr/bin' },
  { name: 'lib', type: 'symlink', link: 'usr/lib' },
  { name: 'usr/bin/' },
  { name: 'usr/lib/x86_64-linux-gnu/libc.so.6' },
  {
    name: 'etc/passwd',
    content:
      'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
  },
  { name: 'etc/group', content: 'root:x:0:\nnonroot:x:65532:\n' },
  { name: 'tmp/', mode: 0o1777 },
  { name: 'home/nonroot/', uid: 65532, gid: 65532, mode: 0o700 },
  { name: 'usr/share/zoneinfo/Etc/UTC' },
];

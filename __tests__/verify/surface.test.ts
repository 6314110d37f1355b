import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  countApkInstalled,
  countDpkgInstalled,
  resolveUid,
  scanTar,
  SurfaceScanner,
} from '../../src/verify/surface';

const DPKG_STATUS = `Package: libc6
Status: install ok installed
Version: 2.41-12

Package: bash
Status: install ok installed
Version: 5.2.37-2

Package: old-tool
Status: deinstall ok config-files
Version: 1.0
`;

/** A small root file system, laid out as `docker export` lays out a merged-/usr Debian image. */
function debianLikeTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'surface-'));
  const file = (rel: string, content = '', mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
    fs.chmodSync(path.join(root, rel), mode);
  };
  file('usr/bin/dash', '#', 0o755);
  fs.symlinkSync('dash', path.join(root, 'usr/bin/sh'));
  file('usr/bin/bash', '#', 0o755);
  file('usr/bin/passwd', '#', 0o4755);
  file('usr/bin/chage', '#', 0o2755);
  file('usr/bin/node', '#', 0o755);
  fs.symlinkSync('usr/bin', path.join(root, 'bin'));
  file('var/lib/dpkg/status', DPKG_STATUS);
  file('var/lib/dpkg/status-old', DPKG_STATUS + DPKG_STATUS);
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/sh\n');
  // Longer than the 100 bytes of a tar name field: GNU tar writes a ././@LongLink entry, pax a
  // path record. A setuid file there checks that the long name reaches the right entry.
  file(`opt/${'a'.repeat(60)}/${'b'.repeat(60)}/helper`, '#', 0o4755);
  return root;
}

function tarOf(root: string, format: 'gnu' | 'posix' | 'ustar'): Buffer {
  return execFileSync('tar', ['--format', format, '-C', root, '-cf', '-', '.'], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('SurfaceScanner on archives written by GNU tar', () => {
  const root = debianLikeTree();
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each(['gnu', 'posix'] as const)('%s format: packages, shells, setuid/setgid, files', (fmt) => {
    const s = scanTar(tarOf(root, fmt));
    // Two of three status paragraphs are installed; status-old is not a database.
    expect(s.packages).toEqual({ count: 2, databases: ['/var/lib/dpkg/status'] });
    // /bin is a link to usr/bin, so the shells appear once, under /usr/bin.
    expect(s.shells).toEqual(['/usr/bin/bash', '/usr/bin/dash', '/usr/bin/sh']);
    expect(s.setuid).toEqual([
      `/opt/${'a'.repeat(60)}/${'b'.repeat(60)}/helper`,
      '/usr/bin/passwd',
    ]);
    expect(s.setgid).toEqual(['/usr/bin/chage']);
    // dash, sh, bash, passwd, chage, node, bin, status, status-old, passwd file, helper.
    expect(s.files).toBe(11);
    expect(resolveUid('node', s.passwd)).toBe(1000);
  });

  it('gives the same answer whatever the chunk sizes of the stream', () => {
    const tar = tarOf(root, 'posix');
    const whole = scanTar(tar);
    for (const size of [1, 7, 511, 512, 513, 4096]) {
      const s = new SurfaceScanner();
      for (let i = 0; i < tar.length; i += size) s.push(tar.subarray(i, i + size));
      expect(s.result()).toEqual(whole);
    }
  });

  it('ustar format splits long names into prefix and name', () => {
    const short = fs.mkdtempSync(path.join(os.tmpdir(), 'surface-ustar-'));
    const dir = path.join(short, 'x'.repeat(90), 'y'.repeat(40));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'su'), '#');
    fs.chmodSync(path.join(dir, 'su'), 0o4755);
    const s = scanTar(tarOf(short, 'ustar'));
    fs.rmSync(short, { recursive: true, force: true });
    expect(s.setuid).toEqual([`/${'x'.repeat(90)}/${'y'.repeat(40)}/su`]);
  });
});

describe('package databases', () => {
  it('distroless status.d: one installed package per file, md5sums ignored', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'surface-distroless-'));
    const d = path.join(root, 'var/lib/dpkg/status.d');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'base-files'), 'Package: base-files\nVersion: 13.8\n');
    fs.writeFileSync(path.join(d, 'tzdata'), 'Package: tzdata\nVersion: 2025b\n');
    fs.writeFileSync(path.join(d, 'tzdata.md5sums'), 'abc  usr/share/zoneinfo/UTC\n');
    const s = scanTar(tarOf(root, 'gnu'));
    fs.rmSync(root, { recursive: true, force: true });
    expect(s.packages).toEqual({ count: 2, databases: ['/var/lib/dpkg/status.d/'] });
    expect(s.shells).toEqual([]);
  });

  it('apk database: one P: line per package', () => {
    expect(countApkInstalled('C:Q1x\nP:musl\nV:1.2\n\nC:Q1y\nP:busybox\nV:1.36\n')).toBe(2);
  });

  it('dpkg: half-installed and not-installed packages do not count', () => {
    expect(
      countDpkgInstalled(
        'Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: purge ok not-installed\n\nPackage: c\nStatus: install reinstreq half-installed\n',
      ),
    ).toBe(1);
  });

  it('an image with no database reports null, not zero', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'surface-empty-'));
    fs.writeFileSync(path.join(root, 'app'), '#');
    const s = scanTar(tarOf(root, 'gnu'));
    fs.rmSync(root, { recursive: true, force: true });
    expect(s.packages).toEqual({ count: null, databases: [] });
    expect(s.files).toBe(1);
  });
});

describe('header fields', () => {
  it('reads a base-256 size (GNU large-file encoding)', () => {
    const header = Buffer.alloc(512);
    header.write('etc/passwd', 0);
    header.write('0000644\0', 100);
    header[124] = 0x80;
    const body = 'app:x:4242:4242::/:/sbin/nologin\n';
    header.writeUInt32BE(body.length, 132);
    header.write('0', 156);
    header.write('ustar\0', 257);
    const data = Buffer.alloc(512);
    data.write(body);
    const s = scanTar(Buffer.concat([header, data, Buffer.alloc(1024)]));
    expect(resolveUid('app', s.passwd)).toBe(4242);
  });
});

describe('resolveUid', () => {
  const passwd = new Map([
    ['root', 0],
    ['nonroot', 65532],
  ]);
  it.each([
    ['', 0],
    ['65532:65532', 65532],
    ['1000', 1000],
    ['nonroot', 65532],
    ['nonroot:nonroot', 65532],
    ['ghost', null],
  ])('USER %p -> %p', (user, uid) => {
    expect(resolveUid(user, passwd)).toBe(uid);
  });
});

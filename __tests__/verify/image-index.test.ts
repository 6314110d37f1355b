import {
  checkAccess,
  ImageUser,
  interpreterOf,
  nearestExisting,
  resolveImageUser,
  resolvePath,
} from '../../src/verify/image-index';
import { DISTROLESS_BASE, indexOf, makeTar } from '../helpers/tar';
import { ImageIndexScanner } from '../../src/verify/image-index';

const NONROOT: ImageUser = { uid: 65532, gid: 65532, groups: [], configured: '65532:65532' };

/** The first bytes of a 64-bit little-endian ELF with one PT_INTERP program header. */
function elf(interpreter: string | null): Buffer {
  const b = Buffer.alloc(512);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(interpreter ? 2 : 1, 56); // e_phnum
  b.writeUInt32LE(6, 64); // PT_PHDR first, as linkers write it
  if (interpreter) {
    b.writeUInt32LE(3, 120); // PT_INTERP
    b.writeBigUInt64LE(300n, 128); // p_offset
    b.writeBigUInt64LE(BigInt(interpreter.length + 1), 152); // p_filesz
    b.write(`${interpreter}\0`, 300, 'latin1');
  }
  return b;
}

describe('ImageIndex: paths as the kernel resolves them', () => {
  const index = indexOf([
    ...DISTROLESS_BASE,
    { name: 'app/', mode: 0o755 },
    { name: 'app/server.js' },
    { name: 'app/secret.key', mode: 0o600 },
    { name: 'app/data/', uid: 65532, gid: 65532 },
    { name: 'app/shared/', gid: 65532, mode: 0o775 },
    { name: 'app/current', type: 'symlink', link: 'data' },
    { name: 'app/loop', type: 'symlink', link: 'loop' },
    { name: 'app/hard', type: 'hardlink', link: 'app/server.js' },
    { name: 'opt/closed/', mode: 0o700 },
    { name: 'opt/closed/inside' },
  ]);

  it.each([
    ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
    ['/app/current/x', '/app/data/x'],
    ['/app/./data/../server.js', '/app/server.js'],
    ['/bin', '/usr/bin'],
  ])('%s resolves to %s', (path, real) => {
    expect(resolvePath(index, path).path).toBe(real);
  });

  it('names the first missing component, and gives up on a link loop', () => {
    expect(resolvePath(index, '/app/none/deeper').missing).toBe('/app/none');
    expect(resolvePath(index, '/app/loop').entry).toBeNull();
    expect(resolvePath(index, '/app/server.js/x').missing).toBe('/app/server.js');
  });

  it('a hard link has the mode of what it links to', () => {
    expect(resolvePath(index, '/app/hard').entry?.type).toBe('file');
  });

  it.each([
    ['/app/server.js', 'r', true],
    ['/app/server.js', 'w', false],
    ['/app/secret.key', 'r', false],
    ['/app/data', 'wx', true],
    ['/app/current', 'wx', true],
    ['/app/shared', 'wx', true],
    ['/app', 'wx', false],
    ['/tmp', 'wx', true],
    ['/opt/closed/inside', 'r', false],
    ['/home/nonroot', 'w', true],
  ])('65532 on %s, %s: %s', (path, want, ok) => {
    expect(checkAccess(index, path, NONROOT, want).ok).toBe(ok);
  });

  it('says why access is refused', () => {
    expect(checkAccess(index, '/opt/closed/inside', NONROOT, 'r')).toEqual({
      ok: false,
      path: '/opt/closed/inside',
      why: 'folder /opt/closed (0:0 0700) cannot be searched',
    });
    expect(checkAccess(index, '/app', NONROOT, 'wx')).toMatchObject({
      why: '/app (0:0 0755) cannot be written or searched',
    });
  });

  it('root reads and writes anything, and runs only what has an x bit', () => {
    const root = resolveImageUser(index, '')!;
    expect(checkAccess(index, '/app/secret.key', root, 'rw').ok).toBe(true);
    expect(checkAccess(index, '/app/server.js', root, 'x').ok).toBe(false);
  });

  it('the nearest existing folder of a path still to be made', () => {
    expect(nearestExisting(index, '/app/var/visits/entries.log')).toBe('/app');
  });
});

describe('resolveImageUser', () => {
  const index = indexOf([
    {
      name: 'etc/passwd',
      content: 'root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
    },
    { name: 'etc/group', content: 'root:x:0:\nnode:x:1000:\ndocker:x:999:node\n' },
  ]);
  it.each([
    ['', { uid: 0, gid: 0 }],
    ['node', { uid: 1000, gid: 1000, groups: [999] }],
    ['1000', { uid: 1000, gid: 1000, groups: [999] }],
    ['65532:65532', { uid: 65532, gid: 65532, groups: [] }],
    ['4242', { uid: 4242, gid: 0, groups: [] }],
    ['node:docker', { uid: 1000, gid: 999, groups: [] }],
  ])('USER %j', (user, ids) => {
    expect(resolveImageUser(index, user)).toMatchObject(ids);
  });
  it('a name the image does not have', () => {
    expect(resolveImageUser(index, 'ghost')).toBeNull();
  });
});

describe('ImageIndex: OS packages and executables', () => {
  it('maps a file to its dpkg package, under the path it ships at and the one it is opened by', () => {
    const index = indexOf(
      [
        { name: 'lib', type: 'symlink', link: 'usr/lib' },
        { name: 'usr/lib/x86_64-linux-gnu/libnss3.so' },
        {
          name: 'var/lib/dpkg/status',
          content: 'Package: libnss3\nStatus: install ok installed\n',
        },
        {
          name: 'var/lib/dpkg/info/libnss3:amd64.list',
          content: '/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libnss3.so\n',
        },
      ],
      { packages: true },
    );
    expect(index.packageManager).toBe('dpkg');
    expect(index.packages.get('/lib/x86_64-linux-gnu/libnss3.so')).toBe('libnss3');
    expect(index.packages.get('/usr/lib/x86_64-linux-gnu/libnss3.so')).toBe('libnss3');
  });

  it('maps a file to its apk package', () => {
    const index = indexOf(
      [
        { name: 'usr/bin/git', mode: 0o755 },
        {
          name: 'lib/apk/db/installed',
          content: 'P:git\nV:2.45\nF:usr/bin\nR:git\n\nP:musl\nF:lib\nR:ld-musl-x86_64.so.1\n',
        },
      ],
      { packages: true },
    );
    expect(index.packageManager).toBe('apk');
    expect(index.packages.get('/usr/bin/git')).toBe('git');
  });

  it('keeps the first bytes of executables only when asked, and reads their interpreter', () => {
    const files = [
      { name: 'usr/bin/tool', mode: 0o755, content: elf('/lib64/ld-linux-x86-64.so.2') },
      { name: 'usr/bin/static', mode: 0o755, content: elf(null) },
      { name: 'usr/bin/script', mode: 0o755, content: '#!/usr/bin/env node\nconsole.log(1)\n' },
      { name: 'usr/share/data', content: elf('/x') },
    ];
    const plain = indexOf(files);
    expect(plain.entries.get('/usr/bin/tool')?.head).toBeUndefined();
    const index = indexOf(files, { heads: true });
    expect(interpreterOf(index.entries.get('/usr/bin/tool')?.head)).toBe(
      '/lib64/ld-linux-x86-64.so.2',
    );
    expect(interpreterOf(index.entries.get('/usr/bin/static')?.head)).toBeNull();
    expect(interpreterOf(index.entries.get('/usr/bin/script')?.head)).toBe('/usr/bin/env');
    expect(index.entries.get('/usr/share/data')?.head).toBeUndefined();
  });

  it('gives the same index whatever the chunk sizes of the stream', () => {
    const tar = makeTar([...DISTROLESS_BASE, { name: 'app/x', content: 'y'.repeat(3000) }]);
    const whole = new ImageIndexScanner();
    whole.push(tar);
    const pieces = new ImageIndexScanner();
    for (let i = 0; i < tar.length; i += 97) pieces.push(tar.subarray(i, i + 97));
    expect([...pieces.result().entries]).toEqual([...whole.result().entries]);
  });
});

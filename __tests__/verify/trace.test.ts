import fs from 'fs';
import path from 'path';
import { parseTrace, splitCall, Trace, TraceEvent } from '../../src/verify/trace';

const TRACES = path.join(__dirname, '..', 'fixtures', 'traces');
const read = (name: string) => fs.readFileSync(path.join(TRACES, name), 'utf8');

/**
 * Container ids of the recorded traces (the three observe examples, run with the prototype's
 * containerd method and trimmed to their container's lines plus a few of containerd's own).
 */
const IDS = {
  journal: '85147206110a3f92127010bdae65f80642e4e6bd94e998b66a5ec93c1e0d54b5',
  plugins: 'c571ed52344983d149a735a912451fb5eae94611fb4be3a5f328aa15291fb980',
  pages: 'fe895edb5f1599f6437d83e837bf5f4e0274e091481df05ba313ee328bcdd2cf',
};

const brief = (t: Trace, e: TraceEvent) =>
  `${t.processes[e.process].pid} ${e.kind} ${e.path ?? e.call ?? `${e.protocol} ${e.address} ${e.port}`}${e.to ? ` -> ${e.to}` : ''}${e.access ? ` ${e.access}${e.create ? '+create' : ''}` : ''} ${e.result}`;

describe('parseTrace: a hand-written containerd trace', () => {
  const t = parseTrace(read('edge.trace'), { container: 'cafe01', cwd: '/' });

  it("finds the entrypoint's execve after runc re-executes itself, and nothing of runc before it", () => {
    expect(t.root).toBe(0);
    // Its folder is the one it ran its last program in (the thread moved to /srv/cache first).
    expect(t.processes[0]).toMatchObject({ pid: 102, parent: null, cwd: '/srv/cache' });
    expect(t.events[0]).toMatchObject({ kind: 'exec', path: '/usr/local/bin/start.sh' });
    expect(t.events.some((e) => e.path?.includes('overlay2'))).toBe(false);
  });

  it("keeps runc's set*id calls before the execve as the image's user", () => {
    expect(t.userBeforeExec).toEqual(['setgroups(1, [1000])', 'setgid(1000)', 'setuid(1000)']);
  });

  it('leaves out other processes of containerd (another container, /etc/shadow)', () => {
    expect(t.processes.map((p) => p.pid)).toEqual([102, 103]);
    expect(t.events.some((e) => e.path === '/etc/shadow')).toBe(false);
  });

  it("joins unfinished and resumed calls, and places a vfork child whose lines come before its parent's return", () => {
    expect(t.processes[1]).toMatchObject({
      pid: 103,
      parent: 0,
      exe: '/usr/local/bin/helper',
      argv: ['helper', '--once'],
      exit: { code: 0 },
    });
  });

  it('resolves relative paths against the -yy folder of AT_FDCWD, a dirfd, or the folder a thread moved to', () => {
    expect(t.events.map((e) => brief(t, e))).toEqual([
      '102 exec /usr/local/bin/start.sh ok',
      '102 open /etc/ld.so.cache r ok',
      '102 open /lib/x86_64-linux-gnu/libc.so.6 r ok',
      '102 open /srv/conf/app.ini r ok',
      '103 exec /usr/local/sbin/helper ENOENT',
      '103 exec /usr/local/bin/helper ok',
      '103 open /etc/ld.so.cache r ok',
      '103 open /lib/x86_64-linux-gnu/libz.so.1 r ok',
      '103 open /srv/out/report.txt w+create ok',
      '102 mkdir /srv/cache ok',
      '102 open /srv/cache/entry rw+create ok',
      '102 rename /srv/cache/entry -> /srv/old/entry.1 ok',
      '102 unlink /srv/old/stale ok',
      '102 rmdir /srv/cache/tmpdir ENOENT',
      '102 unix-connect /var/run/docker.sock ok',
      '102 unix-connect @abstract ok',
      '102 bind TCP 0.0.0.0 80 ok',
      '102 bind UDP :: 5353 ok',
      '102 setid setuid(33) ok',
      '102 exec /usr/bin/env ok',
      '102 open /etc/env.conf r ok',
    ]);
  });

  it('keeps the real path the kernel opened when symbolic links made it another', () => {
    expect(t.events.find((e) => e.path === '/lib/x86_64-linux-gnu/libc.so.6')?.real).toBe(
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    );
  });

  it('counts a set*id call made by every thread once, and an unreadable path argument', () => {
    expect(t.events.filter((e) => e.kind === 'setid')).toHaveLength(1);
    expect(t.unreadable).toBe(1);
  });

  it('an execve by a thread replaces the process image; a kill ends it', () => {
    expect(t.processes[0]).toMatchObject({ exe: '/usr/bin/env', exit: { signal: 'SIGTERM' } });
  });

  it("finds no root in a trace without the container's runc create", () => {
    expect(parseTrace(read('edge.trace'), { container: 'another', cwd: '/' }).root).toBeNull();
  });

  it('takes the first execve as the root when asked to', () => {
    const first = parseTrace(read('edge.trace'), { container: 'first', cwd: '/' });
    expect(first.processes[0].exe).toBe('/usr/bin/containerd-shim-runc-v2');
  });
});

describe('parseTrace: recorded traces of the observe examples', () => {
  it('node-observe-journal: npm start -> sh -c -> node server.js, which makes var/visits', () => {
    const t = parseTrace(read('journal.trace'), { container: IDS.journal, cwd: '/app' });
    expect(t.processes.map((p) => [p.parent, p.argv])).toEqual([
      [null, ['node', '/usr/local/bin/npm', 'start']],
      [0, ['sh', '-c', 'node server.js']],
      [1, ['node', 'server.js']],
    ]);
    expect(t.userBeforeExec).toContain('setuid(0)');
    const node = t.events.filter((e) => e.process === 2 && e.result === 'ok');
    expect(node.filter((e) => e.kind === 'mkdir').map((e) => e.path)).toEqual([
      '/app/var',
      '/app/var/visits',
    ]);
    expect(
      node.find((e) => e.path === '/app/var/visits/entries.log' && e.access !== 'r'),
    ).toMatchObject({
      kind: 'open',
      create: true,
    });
    expect(node.find((e) => e.kind === 'bind')).toMatchObject({ port: 3041 });
  });

  it('go-observe-pages: one static program that lists a folder and reads a page from it', () => {
    const t = parseTrace(read('pages.trace'), { container: IDS.pages, cwd: '/app' });
    expect(t.processes).toHaveLength(1);
    expect(t.processes[0]).toMatchObject({ exe: '/app/pages', argv: ['./pages'], cwd: '/app' });
    const opens = t.events.filter((e) => e.kind === 'open' && e.result === 'ok');
    expect(opens.find((e) => e.path === '/app/content/pages')).toMatchObject({ directory: true });
    expect(opens.map((e) => e.path)).toContain('/app/content/pages/home.md');
  });
});

describe('splitCall', () => {
  it.each([
    [
      'openat(AT_FDCWD</a, b>, "x,y", O_RDONLY) = 3</a/x,y>',
      ['AT_FDCWD</a, b>', '"x,y"', 'O_RDONLY'],
      ' = 3</a/x,y>',
    ],
    [
      'execve("/bin/sh", ["sh", "-c", "a)b"], 0x1 /* 3 vars */) = 0',
      ['"/bin/sh"', '["sh", "-c", "a)b"]', '0x1 /* 3 vars */'],
      ' = 0',
    ],
    [
      'connect(3<UNIX-STREAM:[1->2]>, {sa_family=AF_UNIX, sun_path="/s"}, 110) = 0',
      ['3<UNIX-STREAM:[1->2]>', '{sa_family=AF_UNIX, sun_path="/s"}', '110'],
      ' = 0',
    ],
  ])('%s', (line, args, rest) => {
    const open = line.indexOf('(');
    expect(splitCall(line.slice(open + 1))).toEqual({ args, rest });
  });
});

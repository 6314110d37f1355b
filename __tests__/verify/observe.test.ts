import { HostView, observeSupport } from '../../src/verify/observe';

/** A Linux host where everything observe needs is there, with overrides per case. */
function host(over: Partial<HostView> & { files?: Record<string, string> } = {}): HostView {
  const files: Record<string, string> = {
    '/proc/self/status': 'Name:\tnode\nCapEff:\t000001ffffffffff\n',
    '/var/run/docker/containerd/containerd.pid': '2457\n',
    '/proc/2457/comm': 'containerd\n',
    ...over.files,
  };
  return {
    env: {},
    platform: 'linux',
    read: (f) => files[f] ?? null,
    straceVersion: () => 'strace -- version 6.1',
    ...over,
  };
}

describe('observeSupport: what observing needs, checked before anything runs', () => {
  it('root with strace and a visible containerd: attach to containerd with pid translation', () => {
    const s = observeSupport(host());
    expect(s).toMatchObject({ ok: true, containerd: 2457 });
    expect(s.ok && s.flags).toEqual(
      expect.arrayContaining(['-f', '-yy', '--decode-pids=pidns', '-s', '4096']),
    );
  });

  it('strace 5.x translates pids with its older flag', () => {
    const s = observeSupport(host({ straceVersion: () => 'strace -- version 5.10' }));
    expect(s.ok && s.flags).toContain('--pidns-translation');
  });

  it.each([
    ['not Linux', { platform: 'darwin' }, /needs Linux/],
    [
      'a remote engine',
      { env: { DOCKER_HOST: 'ssh://ci@builder' } },
      /DOCKER_HOST=ssh:\/\/ci@builder, not on this machine/,
    ],
    ['no strace', { straceVersion: (): string | null => null }, /strace is not installed/],
    [
      'an old strace',
      { straceVersion: (): string | null => 'strace -- version 4.26' },
      /strace 4.26 is too old/,
    ],
    [
      'no CAP_SYS_PTRACE',
      { files: { '/proc/self/status': 'CapEff:\t00000000a80425fb\n' } },
      /lacks CAP_SYS_PTRACE.*run verify as root on the Docker host/,
    ],
    [
      'Yama forbids every attach',
      { files: { '/proc/sys/kernel/yama/ptrace_scope': '3\n' } },
      /ptrace_scope is 3/,
    ],
    [
      'containerd in another pid namespace',
      { files: { '/var/run/docker/containerd/containerd.pid': '', '/proc/2457/comm': '' } },
      /no containerd process is visible here/,
    ],
  ] as const)('%s: one line saying what is missing', (_name, over, why) => {
    const s = observeSupport(host(over as Partial<HostView>));
    expect(s.ok).toBe(false);
    expect(!s.ok && s.why).toMatch(why);
  });

  it('a unix DOCKER_HOST is this machine', () => {
    expect(observeSupport(host({ env: { DOCKER_HOST: 'unix:///run/docker.sock' } })).ok).toBe(true);
  });
});

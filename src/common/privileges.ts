import { PRIVILEGE_FACTS } from '../templates';
import { roughWords } from '../dockerfile/shell-words';
import type { BuildContext, Note, Skip } from '../types';

/** Something the app does, or is run with, that only root can do or use. */
export interface RootNeed {
  kind: 'docker-socket' | 'raw-socket' | 'set-uid' | 'host-network-low-port' | 'privileged';
  /** What and where, for the user: `dockerode (package.json)`, `docker-compose.yml, service api`. */
  where: string;
}

const F = PRIVILEGE_FACTS;
const NODE_CODE = /\.(c|m)?[jt]sx?$/;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * What in the build context needs root: code that opens the Docker socket, raw sockets or changes
 * its own user; a compose service or the README running the image with the socket mounted, the
 * host's network (with a port below 1024), privileged mode or added capabilities.
 */
export function rootNeeds(
  context: BuildContext,
  dependencies: Record<string, string>,
  lowPorts: ReadonlyArray<readonly [number, string]>,
): RootNeed[] {
  const needs: RootNeed[] = [];
  const add = (kind: RootNeed['kind'], where: string) => {
    if (!needs.some((n) => n.kind === kind)) needs.push({ kind, where });
  };
  for (const p of F.dockerSocket.nodePackages)
    if (dependencies[p] !== undefined) add('docker-socket', `the ${p} package`);
  for (const p of F.rawSocket.nodePackages)
    if (dependencies[p] !== undefined) add('raw-socket', `the ${p} package`);
  for (const [path, text] of Object.entries(context.files)) {
    const go = path.endsWith('.go');
    if (!go && !NODE_CODE.test(path)) continue;
    const find = (needle: string) => {
      const i = text.indexOf(needle);
      return i < 0 ? null : `${path}:${lineOf(text, i)}`;
    };
    for (const l of F.dockerSocket.literals) {
      const at = find(l);
      if (at) add('docker-socket', at);
    }
    if (go) {
      for (const i of F.dockerSocket.goImports) {
        const at = find(`"${i}"`);
        if (at) add('docker-socket', `${at} imports ${i}`);
      }
      for (const p of F.rawSocket.goPatterns) {
        const at = find(p);
        if (at) add('raw-socket', `${at} (${p})`);
      }
    }
    for (const p of go ? F.setUid.goPatterns : F.setUid.nodePatterns) {
      const at = find(p);
      if (at) add('set-uid', `${at} (${p.replace(/\($/, '')})`);
    }
  }
  for (const p of context.privileges ?? []) {
    if (p.kind === 'docker-socket') add('docker-socket', `${p.source} mounts ${p.detail}`);
    else if (p.kind === 'host-network' && lowPorts.length > 0)
      add(
        'host-network-low-port',
        `${p.source} runs it on the host's network, and the app listens on ${lowPorts[0][0]} (${lowPorts[0][1]})`,
      );
    else if (p.kind === 'privileged' || p.kind === 'capability')
      add('privileged', `${p.source} gives it ${p.detail}`);
  }
  const readme = F.readmeNames.find((n) => context.files[n] !== undefined);
  if (readme) {
    const text = context.files[readme];
    const built = builtImages(text);
    for (const line of text.split('\n')) {
      if (!/\bdocker\s+(run|create)\b/.test(line)) continue;
      // The README names the app's image (docker build -t notes .): a line that runs none of the
      // images it builds runs another one (a toolchain image for the tests, a database).
      if (built.length > 0 && !roughWords(line).some((w) => built.includes(repositoryOf(w))))
        continue;
      if (/docker\.sock/.test(line))
        add('docker-socket', `${readme}'s docker run mounts the socket`);
      if (/--privileged\b|--cap-add\b/.test(line))
        add(
          'privileged',
          `${readme}'s docker run uses ${/--privileged/.test(line) ? '--privileged' : '--cap-add'}`,
        );
      if (/--net(work)?[= ]host\b/.test(line) && lowPorts.length > 0)
        add(
          'host-network-low-port',
          `${readme}'s docker run uses the host's network, and the app listens on ${lowPorts[0][0]}`,
        );
    }
  }
  return needs;
}

/** The repositories a README's `docker build -t` (or `--tag`) lines name. */
function builtImages(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (!/\bdocker\s+(?:image\s+)?build\b/.test(line)) continue;
    const words = roughWords(line);
    for (let i = 0; i < words.length; i++) {
      const tag =
        /^(?:-t|--tag)=(.+)$/.exec(words[i])?.[1] ??
        (/^(-t|--tag)$/.test(words[i]) ? words[i + 1] : undefined);
      if (tag) names.push(repositoryOf(tag));
    }
  }
  return names;
}

/** An image reference without its tag or digest: `acme/notes:1.2` -> `acme/notes`. */
function repositoryOf(ref: string): string {
  const noDigest = ref.replace(/@.*$/, '');
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

const WHY: Record<RootNeed['kind'], { reason: string; suggestion: string }> = {
  'docker-socket': {
    reason:
      'the app talks to the Docker daemon through /var/run/docker.sock, which belongs to root and the docker group (mode 660): as uid {uid} it cannot open it, and fails on its first call',
    suggestion:
      'keep this image running as root, or run it with the socket\'s group added (docker run --group-add "$(stat -c %g /var/run/docker.sock)", compose group_add) and then rewrite it',
  },
  'raw-socket': {
    reason:
      "the app opens raw sockets (ICMP ping), which need CAP_NET_RAW; Docker gives that capability to the container's root only, so as uid {uid} the socket is refused",
    suggestion: 'keep this image running as root, or use unprivileged ICMP (SOCK_DGRAM) in the app',
  },
  'set-uid': {
    reason:
      'the app changes its own user or root (setuid, setgid, chroot, mount), which only root may do: started as uid {uid} the call fails',
    suggestion: 'keep this image running as root, or drop the call and let USER choose the user',
  },
  'host-network-low-port': {
    reason:
      "on the host's network a port below 1024 needs root (Docker's bridge allows it to any user, the host does not): as uid {uid} the app cannot listen",
    suggestion: 'listen on a port above 1023, or keep this image running as root',
  },
  privileged: {
    reason:
      'the container is run with extra privileges (privileged mode or added capabilities), which Docker gives to its root only: as uid {uid} the app has none of them',
    suggestion: 'keep this image running as root',
  },
};

/** The refusal for what needs root, naming what was found and the exact change. */
export function rootNeedSkip(needs: RootNeed[], uid: number): Skip | null {
  const first = needs[0];
  if (!first) return null;
  const why = WHY[first.kind];
  return {
    rule: 'common/needs-root',
    class: 'unsafe',
    reason: `${why.reason.replace('{uid}', String(uid))} (${needs.map((n) => n.where).join('; ')})`,
    suggestion: why.suggestion,
  };
}

/** chown calls the app makes: a non-root user may only give files to itself. */
export function chownWarning(context: BuildContext, uid: number): Note | null {
  for (const [path, text] of Object.entries(context.files)) {
    const go = path.endsWith('.go');
    if (!go && !NODE_CODE.test(path)) continue;
    const m = (go ? /\bos\.L?[Cc]hown\(/ : /\bfs(?:\.promises)?\.(l?chown(?:Sync)?)\(/).exec(text);
    if (m)
      return {
        rule: 'common/needs-root',
        reason: `${path}:${lineOf(text, m.index)} changes a file's owner (${m[0].replace(/\($/, '')}), which as uid ${uid} works only when giving the file to itself`,
      };
  }
  return null;
}

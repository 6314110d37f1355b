import { officialOrMirrored } from '../dockerfile/image-ref';
import { BUILDERS } from '../templates';
import { osFamilyOf } from './buildability';
import { roughWords, splitCommandList } from '../dockerfile/shell-words';
import type { StageFacts } from '../dockerfile/stage';

/** What the original stage builds with, and the defaults its base image gives it. */
export interface BuilderProfile {
  kind: 'node' | 'golang';
  /** The toolchain came from the distribution's packages (apt-get install golang-go on ubuntu). */
  fromDistro: boolean;
  env: Record<string, string>;
  workdir: string;
  gopath: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** For Node from NodeSource on ubuntu/debian: the major its setup script pins. */
  nodeMajor?: number;
}

const DISTRO = BUILDERS.distroGo;
const NODE_DISTRO = BUILDERS.distroNode;
const ALIASES = BUILDERS.golangAliases as Record<
  string,
  { gopath: string; workdir: string; env: Record<string, string> }
>;

/**
 * The builder family: the official node and golang images (or a mirror), retired names of them,
 * and Debian or Ubuntu images that install Go from the distribution.
 */
export function builderOf(facts: StageFacts): BuilderProfile | null {
  const ref = facts.baseImage;
  if (!ref) return null;
  const name = officialOrMirrored(ref);
  if (name === 'node')
    return {
      kind: 'node',
      fromDistro: false,
      env: {},
      workdir: BUILDERS.node.workdir,
      gopath: '',
      entrypoint: BUILDERS.node.entrypoint,
      cmd: BUILDERS.node.cmd,
    };
  const g = BUILDERS.golang;
  if (name === 'golang')
    return {
      kind: 'golang',
      fromDistro: false,
      env: g.env,
      workdir: g.workdir,
      gopath: g.gopath,
      entrypoint: g.entrypoint,
      cmd: g.cmd,
    };
  const alias = ALIASES[ref.repository];
  if (ref.registry === null && alias)
    return {
      kind: 'golang',
      fromDistro: false,
      env: alias.env,
      workdir: alias.workdir,
      gopath: alias.gopath,
      entrypoint: null,
      cmd: g.cmd,
    };
  const nodeMajor = osFamilyOf(ref) === 'debian' ? nodesourceMajor(facts) : null;
  if (nodeMajor !== null)
    return {
      kind: 'node',
      fromDistro: true,
      env: {},
      workdir: NODE_DISTRO.workdir,
      gopath: '',
      entrypoint: NODE_DISTRO.entrypoint,
      cmd: NODE_DISTRO.cmd,
      nodeMajor,
    };
  if (osFamilyOf(ref) === 'debian' && installsDistroGo(facts))
    return {
      kind: 'golang',
      fromDistro: true,
      env: {},
      workdir: DISTRO.workdir,
      gopath: DISTRO.gopath,
      entrypoint: DISTRO.entrypoint,
      cmd: DISTRO.cmd,
    };
  return null;
}

function installsDistroGo(facts: StageFacts): boolean {
  const versioned = new RegExp(DISTRO.versionedPackage);
  return facts.runs.some((r) =>
    splitCommandList(r.text).some((cmd) => {
      const words = roughWords(cmd);
      const i = words.findIndex((w) => w === 'apt-get' || w === 'apt');
      return (
        i >= 0 &&
        words[i + 1] === 'install' &&
        words.slice(i + 2).some((w) => DISTRO.packages.includes(w) || versioned.test(w))
      );
    }),
  );
}

/**
 * The Node major a NodeSource setup script pins (curl .../setup_20.x | bash -, then apt-get
 * install nodejs). A distribution's own nodejs has a version the Dockerfile does not say: null.
 */
function nodesourceMajor(facts: StageFacts): number | null {
  const setup = new RegExp(NODE_DISTRO.nodesourceSetup);
  let major: number | null = null;
  let installs = false;
  for (const r of facts.runs) {
    const m = setup.exec(r.text);
    if (m) major = Number(m[1]);
    for (const cmd of splitCommandList(r.text)) {
      const words = roughWords(cmd);
      const i = words.findIndex((w) => w === 'apt-get' || w === 'apt');
      if (i >= 0 && words[i + 1] === 'install' && words.includes('nodejs')) installs = true;
    }
  }
  return installs ? major : null;
}

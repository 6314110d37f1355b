import { officialOrMirrored } from '../image-ref';
import { BUILDERS } from '../templates';
import { osFamilyOf } from './buildability';
import { roughWords, splitCommandList } from '../shell-words';
import type { StageFacts } from './stage';

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
}

const DISTRO = BUILDERS.distroGo;
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

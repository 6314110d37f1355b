import posix from 'path/posix';
import { NODE_FACTS } from '../templates';
import type { NodeBase } from './image';
import type { SpawnedProgram } from './sources';

/** How a program the app starts is provided in the original image. */
export type ProgramSource =
  /** An OS package the Dockerfile installs (kept on a slim final by replaying the install). */
  | 'dockerfile'
  /** The original base image ships it (node:<N> full has git, python3, curl...). */
  | 'base'
  /** Every Debian or Alpine image has it (ls, cat, mkdir...); distroless does not. */
  | 'standard'
  /** node itself, started by name: on PATH in node images, not in distroless. */
  | 'node'
  /** A shell, or a command line run through one (child_process.exec). */
  | 'shell'
  /** Nothing in the Dockerfile or the base image is known to provide it. */
  | 'unknown';

export interface ProgramNeed {
  name: string;
  source: ProgramSource;
  /** The OS packages (installed by the Dockerfile) that provide it, for 'dockerfile'. */
  packages: string[];
  where: string;
}

const PROGRAM_PACKAGES = NODE_FACTS.programPackages as Record<string, string[]>;
const PACKAGE_PROGRAMS = NODE_FACTS.packagePrograms as Record<string, string[]>;
const IMAGE_PROGRAMS = NODE_FACTS.imagePrograms;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', '/bin/sh', '/bin/bash']);

/**
 * The programs the app starts at run time (child_process in its sources, and npm packages known
 * to start one), each with what provides it in the original image. Decided from the sources, not
 * from what the Dockerfile happens to install: a package only node-gyp uses stays in the builder.
 */
export function programNeeds(
  spawned: SpawnedProgram[],
  dependencies: Record<string, string>,
  installedOsPackages: string[],
  base: NodeBase,
): ProgramNeed[] {
  const needs = new Map<string, ProgramNeed>();
  const installed = new Set(installedOsPackages);
  const add = (name: string, where: string, viaShell: boolean) => {
    const program = posix.basename(name);
    if (needs.has(program)) return;
    const packages = (PROGRAM_PACKAGES[program] ?? []).filter((p) => installed.has(p));
    let source: ProgramSource;
    if (SHELLS.has(name) || SHELLS.has(program)) source = 'shell';
    else if (program === 'node' || program === 'nodejs') source = 'node';
    else if (packages.length > 0) source = 'dockerfile';
    else if (IMAGE_PROGRAMS.standard.includes(program)) source = 'standard';
    else if (IMAGE_PROGRAMS[imageKind(base)].includes(program)) source = 'base';
    else source = 'unknown';
    needs.set(program, { name: program, source, packages, where });
    if (viaShell && !needs.has('sh'))
      needs.set('sh', { name: 'sh', source: 'shell', packages: [], where });
  };
  for (const p of spawned) {
    if (p.name !== null) add(p.name, p.where, p.shell);
    else if (p.shell && !needs.has('sh'))
      needs.set('sh', { name: 'sh', source: 'shell', packages: [], where: p.where });
  }
  for (const dep of Object.keys(dependencies))
    for (const program of PACKAGE_PROGRAMS[dep] ?? []) add(program, `the ${dep} package`, false);
  return [...needs.values()];
}

/**
 * Whether a node image has a program: one every image has, one of its family's, or one an OS
 * package the final stage installs again provides.
 */
export function nodeImageHas(program: string, base: NodeBase, finalOsPackages: string[]): boolean {
  const name = posix.basename(program);
  return (
    IMAGE_PROGRAMS.standard.includes(name) ||
    IMAGE_PROGRAMS[imageKind(base)].includes(name) ||
    (PROGRAM_PACKAGES[name] ?? []).some((p) => finalOsPackages.includes(p))
  );
}

function imageKind(base: NodeBase): 'full' | 'slim' | 'alpine' {
  if (base.libc === 'musl') return 'alpine';
  return /slim/.test(base.tag) ? 'slim' : 'full';
}

/** What a final image family offers: nothing (distroless), busybox (Chainguard), or the slim OS. */
export type ProgramSupport = 'none' | 'busybox' | 'slim';

/**
 * Why the app's programs cannot run on a final image with that support, or null. A slim final
 * is the same tag family's -slim, so what the full image had and slim lacks is a blocker there.
 */
export function programBlocker(
  needs: ProgramNeed[],
  support: ProgramSupport,
  base: NodeBase,
): string | null {
  const blocking = needs.filter((n) => {
    switch (support) {
      case 'none':
        return true;
      case 'busybox':
        return n.source !== 'shell' && n.source !== 'standard' && n.source !== 'node';
      case 'slim':
        return (
          n.source === 'unknown' ||
          (n.source === 'base' &&
            !IMAGE_PROGRAMS[imageKind(base) === 'full' ? 'slim' : imageKind(base)].includes(n.name))
        );
    }
  });
  if (blocking.length === 0) return null;
  const list = blocking.map((n) => `${n.name} (${n.where})`).join(', ');
  const why = blocking.every((n) => n.source === 'base')
    ? `, which ${base.tag === 'latest' ? 'node' : `node:${base.tag}`} has and its slim image does not`
    : blocking.some((n) => n.source === 'unknown')
      ? ', and nothing in the Dockerfile is known to install it'
      : '';
  return `the app starts ${list} at run time${why}`;
}

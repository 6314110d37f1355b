import { ImageRef } from '../dockerfile/image-ref';
import { BUILDERS, NODE_FACTS } from '../templates';

export interface NodeBase {
  tag: string;
  /** Node major, or null for floating tags (`lts`, `latest`) whose major cannot be known statically. */
  major: number | null;
  /** Tag suffix after the version: `alpine`, `slim`, `bookworm`, `bookworm-slim`, `alpine3.22`. */
  variant: string | null;
  libc: 'glibc' | 'musl';
  /** The same tag family's small runtime tag (`22-slim`, `22-alpine`, `lts-slim`). */
  slimTag: string;
}

const CODENAMES: Record<string, number> = {
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

export function analyzeNodeBase(ref: ImageRef): NodeBase {
  const tag = ref.tag ?? 'latest';
  let major: number | null = null;
  let variant: string | null = null;
  const versioned = /^(\d+)(?:\.\d+){0,2}(?:-(.+))?$/.exec(tag);
  const named = /^([a-z]+)(?:-(.+))?$/.exec(tag);
  if (versioned) {
    major = Number(versioned[1]);
    variant = versioned[2] ?? null;
  } else if (named && CODENAMES[named[1]] !== undefined) {
    major = CODENAMES[named[1]];
    variant = named[2] ?? null;
  } else if (named && !BUILDERS.node.floatingTags.includes(named[1])) {
    variant = tag;
  } else if (named) {
    variant = ['alpine', 'slim', 'bookworm', 'bullseye', 'trixie'].includes(named[1])
      ? tag
      : (named[2] ?? null);
  }
  const libc = /alpine/.test(tag) ? 'musl' : 'glibc';
  return { tag, major, variant, libc, slimTag: slimTagOf(tag) };
}

function slimTagOf(tag: string): string {
  if (/alpine|slim/.test(tag)) return tag;
  if (tag === 'latest') return 'slim';
  return `${tag}-slim`;
}

const FLOATING = NODE_FACTS.floatingNodeMajors as Record<string, number>;

/**
 * The Node major an image runs today: its tag's, or what a floating tag (latest, lts, alpine)
 * points to now (base-images.md §5.1); null when neither is known (a build argument, a digest).
 */
export function currentNodeMajor(base: NodeBase): number | null {
  if (base.major !== null) return base.major;
  const head = base.tag.split('-')[0];
  return FLOATING[head] ?? null;
}

type PackageManagerAvailability = { fromMajor: number; untilMajor: number; why: string } | null;
const IN_IMAGE = NODE_FACTS.imagePackageManagers as Record<string, PackageManagerAvailability>;

/** Whether the node image of this major ships the program (npm, yarn, corepack; never pnpm). */
export function imageHasPackageManager(program: string, major: number): boolean {
  const a = IN_IMAGE[program];
  return a !== undefined && a !== null && major >= a.fromMajor && major <= a.untilMajor;
}

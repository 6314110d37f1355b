import type { ImageRef } from '../dockerfile/image-ref';
import { officialName } from '../dockerfile/image-ref';
import { IMAGE_FACTS } from '../templates';

type NodeTags = typeof IMAGE_FACTS.tags.node;
type GoTags = typeof IMAGE_FACTS.tags.golang;
const NODE: NodeTags = IMAGE_FACTS.tags.node;
const GO: GoTags = IMAGE_FACTS.tags.golang;

/** The parts of an official node or golang tag: its version words and its variant suffix. */
interface TagParts {
  image: 'node' | 'golang';
  /** Majors (node) or 1.x minors (golang) the version part can mean; [] for `latest`. */
  versions: number[];
  /** Whether the version pins a release (20.11.1) rather than floating with the major (20). */
  pinned: boolean;
  variant: string;
  /** The major (minor) a floating word (latest, lts, a bare variant) points to today. */
  today?: number;
}

/**
 * Why an official node or golang tag has never existed on Docker Hub (`node:lastest`,
 * `node:18-stretch`, `golang:1.30`), or null when it has, or when the image or tag is not one
 * whose whole tag list is known (another image, a registry mirror, a digest alone, a variable).
 */
export function missingTag(ref: ImageRef): string | null {
  const name = officialName(ref);
  if (ref.tag === null || ref.registry !== null || (name !== 'node' && name !== 'golang'))
    return null;
  const parts = name === 'node' ? nodeTagParts(ref.tag) : goTagParts(ref.tag);
  if (typeof parts === 'string') return parts;
  return null;
}

function nodeTagParts(tag: string): TagParts | string {
  const [first, ...rest] = tag.split('-');
  let word: string | undefined = first;
  let variant = rest.join('-');
  if (first === 'lts' && NODE.ltsCodenames.includes(rest[0])) {
    word = `lts-${rest[0]}`;
    variant = rest.slice(1).join('-');
  } else if (NODE.retiredWords.includes(first)) {
    return { image: 'node', versions: [], pinned: true, variant: tag };
  } else if (
    !/^\d+(\.\d+){0,2}$/.test(first) &&
    !(first in NODE.floating) &&
    !(first in NODE.codenames)
  ) {
    word = undefined;
    variant = tag;
  }
  const checked = `checked ${IMAGE_FACTS.checkedAt}`;
  let versions: number[];
  let pinned = false;
  let variants = true;
  // What a floating word (latest, lts, a bare variant) points to today.
  let today: number | undefined;
  if (word === undefined) {
    versions = NODE.majors;
    today = NODE.floating.latest.now;
  } else if (/^\d/.test(word)) {
    const [major, minor] = word.split('.').map(Number);
    if (major > NODE.newestMajor)
      return `node ${major} has not been released (the newest major is ${NODE.newestMajor}, ${checked})`;
    if (!NODE.majors.includes(major)) return `there has never been a node:${major} image`;
    if (major === 0 && minor !== undefined && !NODE.zeroMinors.includes(minor))
      return `there has never been a node:0.${minor} image`;
    versions = [major];
    pinned = word.includes('.');
  } else if (word in NODE.floating) {
    const f = NODE.floating[word as keyof NodeTags['floating']];
    versions = f.majors.length > 0 ? f.majors : NODE.majors;
    variants = f.variants;
    today = f.now;
  } else if (word.startsWith('lts-')) {
    const codename = word.slice(4);
    if (!NODE.ltsCodenames.includes(codename))
      return `"${word}" is not a node tag: lts-<codename> exists only for ${NODE.ltsCodenames.join(', ')}`;
    versions = [NODE.codenames[codename as keyof NodeTags['codenames']]];
    variants = false;
  } else if (word in NODE.codenames) {
    versions = [NODE.codenames[word as keyof NodeTags['codenames']]];
  } else
    return `"${tag}" is not a node tag (neither a version, latest, current, lts nor a codename)`;
  if (variant === '') return { image: 'node', versions, pinned, variant, today };
  if (!variants) return `node:${word} is never combined with a variant ("${tag}" does not exist)`;
  const alpine = /^alpine(3\.\d+)$/.exec(variant);
  const majors = alpine
    ? versions.filter((v) => {
        const range = NODE.alpineReleases[String(v) as keyof NodeTags['alpineReleases']];
        return (
          range &&
          compareRelease(alpine[1], range[0]) >= 0 &&
          compareRelease(alpine[1], range[1]) <= 0
        );
      })
    : versions.filter((v) =>
        (NODE.variants[variant as keyof NodeTags['variants']] as number[] | undefined)?.includes(v),
      );
  if (majors.length === 0) {
    const known = alpine || variant in NODE.variants;
    return known
      ? `node:${tag} has never existed: the ${variant} variant was not built for ${word === undefined ? 'the latest node' : `node ${word}`}`
      : `"${variant}" is not a variant of the node image (alpine, alpine3.N, slim, bookworm, bullseye, trixie, ... ${checked})`;
  }
  return { image: 'node', versions: majors, pinned, variant, today };
}

function goTagParts(tag: string): TagParts | string {
  const [first, ...rest] = tag.split('-');
  let word: string | undefined = first;
  let variantWords = rest;
  if (/^1\.\d+$/.test(first) && rest[0] === 'rc') {
    word = `${first}-rc`;
    variantWords = rest.slice(1);
  } else if (first === 'tip' && /^\d{8}$/.test(rest[0] ?? '')) {
    word = `tip-${rest[0]}`;
    variantWords = rest.slice(1);
  } else if (!/^(latest|rc|tip|1(\.\d+(\.\d+|(rc|beta)\d+)?)?)$/.test(first)) {
    word = undefined;
    variantWords = tag.split('-');
  }
  const minorMatch = word === undefined ? null : /^1\.(\d+)/.exec(word);
  const minor = minorMatch ? Number(minorMatch[1]) : null;
  const variant = variantWords.join('-');
  const checked = `checked ${IMAGE_FACTS.checkedAt}`;
  if (minor !== null && minor > GO.newestMinor)
    return `Go 1.${minor} has not been released (the newest is 1.${GO.newestMinor}, ${checked})`;
  if (minor !== null && minor < GO.minors[0])
    return `there has never been a golang:1.${minor} image`;
  if (word === 'latest' && variant !== '') return `golang:latest is never combined with a variant`;
  const all = range(GO.minors[0], GO.minors[1]);
  const versions = minor === null ? all : [minor];
  const pinned = word !== undefined && /^1\.\d+\./.test(word);
  const today =
    word === undefined || word === 'latest' || word === '1' || word.startsWith('tip')
      ? GO.newestMinor
      : undefined;
  if (variant === '') return { image: 'golang', versions, pinned, variant, today };
  const base = variant.replace(/^alpine3\.\d+$/, 'alpine').replace(/-(ltsc\d+|\d{4}|sac2016)$/, '');
  const span = GO.variants[base as keyof GoTags['variants']] as number[] | undefined;
  if (!span)
    return `"${variant}" is not a variant of the golang image (alpine, alpine3.N, bookworm, trixie, ... ${checked})`;
  // Release candidates of the next Go were built on the variants of the current one.
  const preview = word !== undefined && /rc|beta/.test(word) ? 1 : 0;
  const fits = versions.filter((v) => v >= span[0] && v <= span[1] + preview);
  if (fits.length === 0)
    return `golang:${tag} has never existed: ${base} was built for Go 1.${span[0]} to 1.${span[1]}`;
  return { image: 'golang', versions: fits, pinned, variant, today };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Compares Alpine releases (3.9 < 3.10). */
export function compareRelease(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * The distribution releases an official node or golang image can be built on today, as far as its
 * tag says: a suite or Alpine release the tag names, else every base the tag was ever built on
 * (a floating tag is what it was last built on). Null when the tag does not tell.
 */
export function releasesOf(ref: ImageRef): { debian: string[] } | { alpine: string[] } | null {
  const name = officialName(ref);
  if (ref.registry !== null || (name !== 'node' && name !== 'golang')) return null;
  const tag = ref.tag ?? 'latest';
  const parts = name === 'node' ? nodeTagParts(tag) : goTagParts(tag);
  if (typeof parts === 'string' || parts.versions.length === 0) return null;
  const variant = parts.variant;
  const explicitAlpine = /alpine(3\.\d+)/.exec(variant);
  if (explicitAlpine) return { alpine: [explicitAlpine[1]] };
  const suite = IMAGE_FACTS.debianOrder.find((s) => variant.split('-').includes(s));
  if (suite) return { debian: [suite] };
  if (/windows|nanoserver|onbuild|cross/.test(variant)) return null;
  const alpine = variant === 'alpine';
  const out = new Set<string>();
  for (const v of parts.today !== undefined ? [parts.today] : parts.versions) {
    const found =
      parts.image === 'node'
        ? nodeReleases(v, parts.pinned, alpine)
        : goReleases(v, parts.pinned, alpine);
    if (found === null) return null;
    found.forEach((r) => out.add(r));
  }
  return alpine ? { alpine: [...out] } : { debian: [...out] };
}

function nodeReleases(major: number, pinned: boolean, alpine: boolean): string[] | null {
  const key = String(major);
  if (alpine) {
    const final = NODE.finalAlpine[key as keyof NodeTags['finalAlpine']];
    if (!final) return null;
    if (!pinned) return [final];
    const first = NODE.firstAlpine[key as keyof NodeTags['firstAlpine']];
    const explicit = NODE.alpineReleases[key as keyof NodeTags['alpineReleases']]?.[0];
    const lowest = [first, explicit].filter(Boolean).sort(compareRelease)[0];
    return lowest ? [lowest, final] : null;
  }
  const final = NODE.finalDebian[key as keyof NodeTags['finalDebian']];
  if (!final) return null;
  return pinned ? (NODE.everDebian[key as keyof NodeTags['everDebian']] ?? [final]) : [final];
}

function goReleases(minor: number, pinned: boolean, alpine: boolean): string[] | null {
  if (alpine) {
    const final = GO.finalAlpine[String(minor) as keyof GoTags['finalAlpine']];
    return final && !pinned ? [final] : null;
  }
  const final = GO.finalDebian.find((d) => minor >= d.minors[0] && minor <= d.minors[1])?.suite;
  if (!final) return null;
  const ever = GO.everDebian.find((d) => minor >= d.minors[0] && minor <= d.minors[1]);
  return pinned && ever ? ever.suites : [final];
}

/** Whether an Alpine release range holds `release`: every release in `releases` is at or after it. */
export function allFrom(releases: string[], from: string): boolean {
  return releases.length > 0 && releases.every((r) => compareRelease(r, from) >= 0);
}

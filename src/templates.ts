import nodeDistroless from '../templates/node-distroless.json';
import nodeChainguard from '../templates/node-chainguard.json';
import nodeSlim from '../templates/node-slim.json';
import goDistrolessStatic from '../templates/go-distroless-static.json';
import goDistrolessBase from '../templates/go-distroless-base.json';
import goScratch from '../templates/go-scratch.json';
import goChainguardStatic from '../templates/go-chainguard-static.json';
import goChainguardGlibcDynamic from '../templates/go-chainguard-glibc-dynamic.json';
import staticNginxAlpine from '../templates/static-nginx-alpine.json';
import staticNginxUnprivileged from '../templates/static-nginx-unprivileged.json';
import staticNginxChainguard from '../templates/static-nginx-chainguard.json';
import builders from '../templates/builders.json';
import nodeFacts from '../templates/facts/node.json';
import goFacts from '../templates/facts/go.json';
import frameworkFacts from '../templates/facts/frameworks.json';
import fileFacts from '../templates/facts/files.json';
import imageFacts from '../templates/facts/images.json';
import privilegeFacts from '../templates/facts/privileges.json';

/** The contract of a final-stage base image, as recorded (with sources) in templates/*.json. */
export interface BaseImageContract {
  id: string;
  runtime: 'node' | 'go' | 'static';
  family: 'distroless' | 'cgr' | 'slim' | 'scratch' | 'nginx';
  image: string;
  tag: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  workdir: string;
  user: { name: string | null; uid: number; gid: number };
  /** USER in the image's own config ("" = root); null for scratch, which cannot be inspected. */
  imageUser: string | null;
  hasShell: boolean;
  hasCaCerts?: boolean;
  hasTzdata?: boolean;
  hasTmp?: boolean;
  libc?: string;
  glibcVersion?: string;
  nodeMajors?: number[];
  trackedNodeMajor?: number;
  builderImage?: string;
  nodePath?: string;
  initPath?: string;
  caBundlePath?: string;
  listenPort?: number;
  htmlRoot?: string;
  configMode?: 'replace-main' | 'server-block';
  configPath?: string;
  stopSignal?: string;
  sources: Array<{ claim: string; ref: string; confidence: 'V' | 'D' | 'T' }>;
  checkedAt: string;
}

export type TemplateId =
  | 'node-distroless'
  | 'node-chainguard'
  | 'node-slim'
  | 'go-distroless-static'
  | 'go-distroless-base'
  | 'go-scratch'
  | 'go-chainguard-static'
  | 'go-chainguard-glibc-dynamic'
  | 'static-nginx-alpine'
  | 'static-nginx-unprivileged'
  | 'static-nginx-chainguard';

const ALL: Record<TemplateId, unknown> = {
  'node-distroless': nodeDistroless,
  'node-chainguard': nodeChainguard,
  'node-slim': nodeSlim,
  'go-distroless-static': goDistrolessStatic,
  'go-distroless-base': goDistrolessBase,
  'go-scratch': goScratch,
  'go-chainguard-static': goChainguardStatic,
  'go-chainguard-glibc-dynamic': goChainguardGlibcDynamic,
  'static-nginx-alpine': staticNginxAlpine,
  'static-nginx-unprivileged': staticNginxUnprivileged,
  'static-nginx-chainguard': staticNginxChainguard,
};

export class TemplateError extends Error {}

/** Checks the fields every transform relies on, so a bad edit to the data fails loudly at load. */
export function validateContract(id: string, value: unknown): BaseImageContract {
  const c = value as Partial<BaseImageContract>;
  const problems: string[] = [];
  if (c.id !== id) problems.push(`id is ${String(c.id)}`);
  if (typeof c.image !== 'string' || c.image === '') problems.push('image missing');
  if (!c.user || !Number.isInteger(c.user.uid) || !Number.isInteger(c.user.gid)) {
    problems.push('user.uid/gid must be integers');
  }
  if (typeof c.hasShell !== 'boolean') problems.push('hasShell missing');
  if (c.entrypoint !== null && !Array.isArray(c.entrypoint))
    problems.push('entrypoint must be array or null');
  if (!Array.isArray(c.sources) || c.sources.length === 0) problems.push('sources missing');
  if (problems.length > 0) throw new TemplateError(`template ${id}: ${problems.join('; ')}`);
  return c as BaseImageContract;
}

const cache = new Map<TemplateId, BaseImageContract>();

export function getTemplate(id: TemplateId): BaseImageContract {
  let t = cache.get(id);
  if (!t) {
    t = validateContract(id, ALL[id]);
    cache.set(id, t);
  }
  return t;
}

export function allTemplateIds(): TemplateId[] {
  return Object.keys(ALL) as TemplateId[];
}

/** `image:tag`, with `{name}` placeholders in the image or tag filled from `vars`. */
export function imageReference(
  t: BaseImageContract,
  vars: Record<string, string | number> = {},
): string {
  const fill = (s: string) =>
    s.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? `{${k}}`));
  const image = fill(t.image);
  return t.tag === null ? image : `${image}:${fill(t.tag)}`;
}

export const BUILDERS = builders;
export const NODE_FACTS = nodeFacts;
export const GO_FACTS = goFacts;
export const FRAMEWORK_FACTS = frameworkFacts;
export const FILE_FACTS = fileFacts;
export const IMAGE_FACTS = imageFacts;
export const PRIVILEGE_FACTS = privilegeFacts;

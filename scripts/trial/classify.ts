// Why a build failed, in classes a reader can act on, and answers normalised so that two runs of
// the same app compare equal. Pure: text in, text out.
import crypto from 'crypto';
import { tagDoesNotExist } from './stand-ins';

/** Checked in order: the first that matches names the class. */
const BUILD_FAILURES: Array<[string, RegExp]> = [
  [
    'base-image-unavailable',
    /failed to resolve source metadata|pull access denied|manifest unknown|failed to do request: Head|error getting credentials/i,
  ],
  [
    'network-go-proxy',
    /proxy\.golang\.org|sum\.golang\.org|go: .*(dial tcp|i\/o timeout|no such host)|go: downloading|go: module .* not found|GOPROXY|missing go\.sum entry/i,
  ],
  ['alpine-stand-in', /\bapk\b.*(not found|No such file)|\/bin\/sh: (\d+: )?apk: not found/i],
  // The offline node stand-ins have no corepack, while the real node 16-24 images do.
  ['stand-in-without-corepack', /\/bin\/sh: (\d+: )?corepack: not found/],
  ['package-manager-not-in-image', /\/bin\/sh: (\d+: )?(yarn|pnpm|bun): not found/],
  [
    'network-github',
    /github\.com.*(Could not resolve|unable to access|dial tcp|ENOTFOUND|EAI_AGAIN|timed out)|codeload\.github\.com|git ls-remote|fatal: unable to access/i,
  ],
  [
    'network-other',
    /ENOTFOUND|EAI_AGAIN|getaddrinfo|Could not resolve host|Temporary failure resolving|dial tcp|Connection refused|Network is unreachable|ETIMEDOUT|ECONNREFUSED|unable to get local issuer|self[- ]signed certificate/i,
  ],
  [
    'missing-file',
    /COPY failed|failed to compute cache key|not found: not found|"\/[^"]*": not found|no such file or directory.*(COPY|ADD)/i,
  ],
  [
    'npm-install',
    /npm (ERR!|error)|ERESOLVE|npm ci can only install|yarn install.*error|ERR_PNPM/i,
  ],
  [
    'go-build',
    /\.go:\d+:\d+:|go: cannot find main module|go: go\.mod file not found|undefined: |cannot use /i,
  ],
  ['build-script', /exit code: \d+|returned a non-zero code/i],
];

/**
 * A base image whose tag has never existed, which no stand-in may hide: the first of `images`
 * (FROM lines) whose official node or golang tag is not in the image's grammar, as the class
 * `tag-does-not-exist` of a build that cannot succeed anywhere.
 */
export function missingTagFailure(images: string[]): { class: string; detail: string } | null {
  for (const image of images) {
    const why = tagDoesNotExist(image);
    if (why !== null) return { class: 'tag-does-not-exist', detail: `FROM ${image}: ${why}` };
  }
  return null;
}

export function classifyBuildFailure(stderr: string): { class: string; detail: string } {
  const text = stripBuildNoise(stderr);
  const cls = BUILD_FAILURES.find(([, re]) => re.test(text))?.[0] ?? 'other';
  return { class: cls, detail: firstErrorLine(text) };
}

/** BuildKit's step numbers, timings and digests vary from run to run; the message does not. */
export function stripBuildNoise(text: string): string {
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/^#\d+\s+(\d+(\.\d+)?\s+)?/, '')
        .replace(/\bsha256:[0-9a-f]{12,64}\b/g, 'sha256:<digest>')
        .replace(/\b[0-9a-f]{12,64}\b/g, '<id>')
        .replace(/\b\d+(\.\d+)?m?s\b/g, '<time>')
        .replace(/\s+$/, ''),
    )
    .filter((l) => l !== '')
    .join('\n');
}

const ERROR_LINE = /error|ERR!|failed|not found|cannot|unable|denied|fatal|panic/i;
/** Lines that name a cause precisely, preferred over any line that merely says "error". */
const CAUSE_LINE =
  /\b[A-Z][A-Z_]*ERR_[A-Z_]+\b|\bERR_[A-Z_]+\b|^(\w+)?Error: |: not found$|\bnot found: |Cannot find module|no such file or directory|command not found|undefined: |cannot find package|go: [^ ]+: |panic: |fatal: /;
const NOISE_LINE = /Warning|WARN|deprecated|^npm notice|^\s*at /;

/** The first line that reads like the cause, shortened: the detail a report shows. */
export function firstErrorLine(text: string): string {
  const lines = text
    .split('\n')
    .filter((l) => !/^(\[\+\]|=>|DONE|CACHED|transferring)/.test(l) && !NOISE_LINE.test(l));
  const usable = (l: string) => !/^ERROR: failed to (solve|build)|executor failed running/.test(l);
  const hit =
    lines.find((l) => CAUSE_LINE.test(l) && usable(l)) ??
    lines.find((l) => ERROR_LINE.test(l) && usable(l));
  const line = (hit ?? lines[lines.length - 1] ?? '').trim();
  return line.length > 200 ? line.slice(0, 197) + '...' : line;
}

/**
 * A body with what changes between two runs of the same program taken out: dates, times, ids,
 * hashes and random build ids (SvelteKit's, webpack's content hashes).
 */
export function normalizeBody(body: string): string {
  return body
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g, '<date>')
    .replace(
      /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2}( GMT)?/g,
      '<date>',
    )
    .replace(/\b\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2}[^"<]*/g, '<date>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b1[6-9]\d{8}(\d{3})?\b/g, '<time>')
    .replace(/\b[0-9a-f]{8,}\b/gi, '<hash>')
    .replace(/\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8,}\b/g, '<id>');
}

/**
 * What a program printed, without the banner a package manager adds around a script (`> app@1.0.0
 * start` and the command line from npm, `yarn run v1.22`, `$ node x.js` and `Done in 0.1s` from
 * yarn): a rewrite that starts node directly prints the same thing without them.
 */
export function programOutput(stdout: string): string {
  return stdout
    .split('\n')
    .filter(
      (l) =>
        !/^> \S+@\S+ \S+/.test(l) &&
        !/^> (node|nodemon|ts-node|tsx|npm|yarn|pnpm)\b/.test(l) &&
        !/^yarn run v\d/.test(l) &&
        !/^\$ \S/.test(l) &&
        !/^Done in [\d.]+m?s\.?$/.test(l) &&
        !/^npm (notice|warn)/.test(l),
    )
    .join('\n')
    .trim();
}

/** A short digest of the normalised body: rows stay small and stable. */
export function bodyDigest(body: string): string {
  return crypto.createHash('sha256').update(normalizeBody(body)).digest('hex').slice(0, 12);
}

/** The line of a container's log that says why it stopped (normalised for the row). */
export function lastLogLine(logs: string): string {
  const lines = logs
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^at\s/.test(l) && !/^\^+$/.test(l));
  const hit =
    lines.find((l) => CAUSE_LINE.test(l)) ??
    [...lines].reverse().find((l) => ERROR_LINE.test(l)) ??
    lines[lines.length - 1] ??
    '';
  const line = normalizeBody(hit);
  return line.length > 200 ? line.slice(0, 197) + '...' : line;
}

import { Copy } from 'dockerfile-ast';
import { analyzeStages } from '../../src/dockerfile/stage';
import {
  Change,
  insertLines,
  LINE_ORDER,
  LineWriter,
  removalSpan,
} from '../../src/dockerfile/edit';
import {
  keywordOf,
  logicalArguments,
  ParsedDockerfile,
  rangeOffsets,
  stagesOf,
} from '../../src/dockerfile/parse';
import { NODE_FACTS } from '../../src/templates';
import type { Note, ObservedNeeds, Skip } from '../../src/types';

export const id = 'common/observed-needs';
export const summary =
  'verify --observe --write: what the original was seen to need at run time and the final stage lacked is added to it (paths kept or owned, folders made, OS packages, programs, devDependencies)';

const RULE = 'common/observed-needs' as const;

export interface ObservedFinal {
  /** The final image has a shell, and so may RUN a package install before its USER. */
  finalHasShell: boolean;
  finalImage: string;
}

export type ObservedResult =
  { ok: true; changes: Change[]; warnings: Note[] } | { ok: false; skip: Skip };

/** Whether anything was observed missing. */
export function hasObservedNeeds(n: ObservedNeeds | undefined): n is ObservedNeeds {
  return (
    n !== undefined &&
    [
      n.keepPaths,
      n.ownPaths,
      n.makePaths ?? [],
      n.osPackages,
      n.programs,
      n.devDependencies ?? [],
    ].some((a) => a.length > 0)
  );
}

/** Every prune of devDependencies the Node rewrite may add to the builder (templates/facts/node.json). */
const PRUNES = new Set(
  [
    ...Object.values(NODE_FACTS.installCommands).map((c) => (c as { prune?: string }).prune),
    ...NODE_FACTS.npmPruneByNodeMajor.map((p) => p.prune),
  ].filter((p): p is string => typeof p === 'string'),
);

/** A path COPY can name as it is: absolute, no wildcard COPY would expand, no variable. */
function copyable(p: string): boolean {
  return p.startsWith('/') && !/[*?[\]$\\]/.test(p);
}

function copyArgs(source: string, dest: string): string {
  return /\s|"/.test(source + dest)
    ? `[${JSON.stringify(source)}, ${JSON.stringify(dest)}]`
    : `${source} ${dest}`;
}

/** Folders are marked with a trailing / in the needs; COPY names them without it. */
function bare(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** Where folders observed being made are made empty in the builder, outside the app's folders. */
const STAGING = '/observed-folders';

/** `read /app/pages (listed, read 3 paths, e.g. ...)` for each path, from the evidence kept. */
function list(needs: ObservedNeeds, paths: string[]): string {
  return paths.map((p) => needs.evidence?.[p] ?? `needed ${bare(p)}`).join('; ');
}

/**
 * Edits the already rewritten Dockerfile: the final stage gets, before its USER, a COPY from the
 * builder of each path to keep (owned by the final user for the paths it writes), the folders to
 * make (made in the builder), an install of the OS packages where the final image has a package
 * manager, and the programs; the builder's prune of devDependencies goes when the app was seen
 * loading one. What cannot be added this way is a skip with the reason.
 */
export default function plan(
  doc: ParsedDockerfile,
  needs: ObservedNeeds,
  final: ObservedFinal,
): ObservedResult {
  const stages = stagesOf(doc);
  const facts = analyzeStages(doc);
  if (stages.length < 2 || !facts)
    return {
      ok: false,
      skip: {
        rule: RULE,
        reason: 'the rewrite has no separate final stage to add observed needs to',
      },
    };
  const builder = stages[0];
  const from = builder.name ?? '0';
  const user = facts.user;
  const ids = user ? /^(\d+)(?::(\d+))?$/.exec(user.value.trim()) : null;
  if (!user || !ids)
    return {
      ok: false,
      skip: {
        rule: RULE,
        reason: `the final stage's USER ${user?.value ?? '(none)'} is not numeric, so what it must own cannot be written as --chown`,
      },
    };
  const chown = `${ids[1]}:${ids[2] ?? ids[1]}`;
  const all = [
    ...needs.keepPaths,
    ...needs.ownPaths,
    ...(needs.makePaths ?? []),
    ...needs.programs,
  ];
  const bad = all.find((p) => !copyable(bare(p)));
  if (bad)
    return {
      ok: false,
      skip: {
        rule: RULE,
        reason: `the observed path ${bad} cannot be named in a COPY as it is (a wildcard, a variable or not absolute)`,
      },
    };
  if (needs.osPackages.length > 0 && !final.finalHasShell)
    return {
      ok: false,
      skip: {
        rule: RULE,
        reason: `the app was seen using files of the OS packages ${needs.osPackages.join(', ')}, and ${final.finalImage} has no shell or package manager to install them`,
        suggestion: "--target slim keeps the builder's distribution and can install them",
      },
    };
  const w = new LineWriter(doc);
  const changes: Change[] = [];
  const userAt = doc.lineStarts[user.ins.getRange().start.line];
  const beforeUser = (lines: string) => ({
    start: userAt,
    end: userAt,
    text: lines,
    join: 'line' as const,
    order: LINE_ORDER.finalStage,
  });
  const copyLine = (source: string, dest: string, owned: boolean) =>
    w.line('COPY', `--from=${from}${owned ? ` --chown=${chown}` : ''} ${copyArgs(source, dest)}`);

  // What the final stage already copies from the builder: a folder inside one of those exists
  // before any COPY added here, and COPY --chown leaves an existing folder's owner as it is
  // (BuildKit gives its owner only to what it creates), so such a folder is owned through a
  // --chown on that COPY itself.
  const finalCopies = facts.copies.filter(
    (c) => c.fromStage === from && !c.isHeredoc && c.sources.length === 1,
  );
  const enclosing = (p: string) =>
    finalCopies.find((c) => {
      const src = bare(c.sources[0]);
      return bare(c.dest) === src && (p === src || p.startsWith(`${src}/`));
    });
  const chownFlags = new Map<string, { copy: Copy; paths: string[] }>();
  const ownLines: string[] = [];
  const chownOf = (copy: Copy) =>
    copy
      .getFlags()
      .find((f) => f.getName() === 'chown')
      ?.getValue();
  for (const p of needs.ownPaths) {
    const path = bare(p);
    // A file or folder copied as it is gets the flag; a folder inside a copied one, that copy.
    const exact = finalCopies.find((c) => bare(c.sources[0]) === path && bare(c.dest) === path);
    const c = exact ?? (p.endsWith('/') ? enclosing(path) : undefined);
    if (!c || chownOf(c.ins as Copy) !== undefined) continue;
    const key = bare(c.sources[0]);
    chownFlags.set(key, {
      copy: c.ins as Copy,
      paths: [...(chownFlags.get(key)?.paths ?? []), path],
    });
  }
  for (const p of needs.ownPaths) {
    const path = bare(p);
    const c = enclosing(path);
    // Already owned: inside a folder copied with this --chown, or one that gets it above.
    if (c && (chownOf(c.ins as Copy) === chown || chownFlags.has(bare(c.sources[0])))) continue;
    ownLines.push(copyLine(path, path, true));
  }

  if (needs.keepPaths.length > 0)
    changes.push({
      note: {
        rule: RULE,
        reason: `from observation: the original ${list(needs, needs.keepPaths)} at run time, which the final stage lacked: copied from the builder`,
      },
      edits: [beforeUser(needs.keepPaths.map((p) => copyLine(bare(p), bare(p), false)).join(''))],
    });
  if (needs.ownPaths.length > 0) {
    const flagEdits: Change['edits'] = [];
    for (const { copy } of chownFlags.values()) {
      const fromFlag = copy.getFlags().find((f) => f.getName() === 'from')!;
      const [, end] = rangeOffsets(doc, fromFlag.getRange());
      flagEdits.push({ start: end, end, text: ` --chown=${chown}`, join: 'instruction' });
    }
    const inPlace = [...chownFlags].map(([copied, { paths }]) =>
      paths.length === 1 && paths[0] === copied
        ? `the COPY of ${copied} gets --chown=${chown}`
        : `${paths.join(', ')} ${paths.length === 1 ? 'is' : 'are'} inside ${copied}, which the final stage copied owned by root, so that COPY gets --chown=${chown}`,
    );
    changes.push({
      note: {
        rule: RULE,
        reason: `from observation: the original ${list(needs, needs.ownPaths)} at run time, which ${chown} could not: ${[...inPlace, ...(ownLines.length > 0 ? [`copied from the builder owned by ${chown}`] : [])].join('; ')}`,
      },
      edits: [...flagEdits, ...(ownLines.length > 0 ? [beforeUser(ownLines.join(''))] : [])],
    });
  }
  const make = (needs.makePaths ?? []).map(bare);
  if (make.length > 0) {
    // Made in the builder apart from the app's folders (a copy of those must not bring them
    // root-owned first), where root still runs: before the builder's first USER, else at its end.
    const builderUser = builder.instructions.find((i) => keywordOf(i) === 'USER');
    const last = builder.instructions[builder.instructions.length - 1] ?? builder.from;
    const mkdir = w.line('RUN', `mkdir -p ${make.map((p) => `${STAGING}${p}`).join(' ')}`);
    const edit = builderUser
      ? {
          start: doc.lineStarts[builderUser.getRange().start.line],
          end: doc.lineStarts[builderUser.getRange().start.line],
          text: mkdir,
          join: 'line' as const,
          order: LINE_ORDER.rootSteps,
        }
      : insertLines(rangeOffsets(doc, last.getRange())[1], mkdir, w, LINE_ORDER.runtimeFolder);
    changes.push({
      note: {
        rule: RULE,
        reason: `from observation: the original ${list(needs, needs.makePaths ?? [])} at run time, where ${chown} cannot create folders: made empty in the builder (under ${STAGING}) and copied owned by ${chown}`,
      },
      edits: [edit, beforeUser(make.map((p) => copyLine(`${STAGING}${p}`, p, true)).join(''))],
    });
  }
  if (needs.osPackages.length > 0) {
    const alpine = /alpine/.test(final.finalImage);
    const install = alpine
      ? `apk add --no-cache ${needs.osPackages.join(' ')}`
      : `apt-get update && apt-get install -y --no-install-recommends ${needs.osPackages.join(' ')} && rm -rf /var/lib/apt/lists/*`;
    changes.push({
      note: {
        rule: RULE,
        reason: `from observation: the original used files of the OS packages ${needs.osPackages.join(', ')}, which ${final.finalImage} lacks: installed in the final stage`,
      },
      edits: [beforeUser(w.line('RUN', install))],
    });
  }
  if (needs.programs.length > 0)
    changes.push({
      note: {
        rule: RULE,
        reason: `from observation: the original ${list(needs, needs.programs)}, which the final stage lacked: copied from the builder`,
      },
      edits: [beforeUser(needs.programs.map((p) => copyLine(p, p, false)).join(''))],
    });
  const dev = needs.devDependencies ?? [];
  if (dev.length > 0) {
    const prune = builder.instructions.find(
      (i) => keywordOf(i) === 'RUN' && PRUNES.has(logicalArguments(doc, i).trim()),
    );
    if (!prune)
      return {
        ok: false,
        skip: {
          rule: RULE,
          reason: `the app was seen loading ${dev.join(', ')}, devDependencies the final image lacks, and no prune of devDependencies in the builder can be dropped to keep them`,
        },
      };
    const span = removalSpan(doc, prune);
    changes.push({
      note: {
        rule: RULE,
        reason: `from observation: the app loads ${dev.join(', ')} (${list(needs, dev)}), which package.json lists as devDependencies: "${logicalArguments(doc, prune).trim()}" is dropped, so every devDependency stays (move ${dev.length === 1 ? 'it' : 'them'} to dependencies to prune again)`,
      },
      edits: [{ start: span.start, end: span.end, text: '' }],
    });
  }
  return { ok: true, changes, warnings: [] };
}

import fs from 'fs';
import path from 'path';
import { classOfSkip } from '../skip-class';
import type { SkipClass } from '../types';
import type { Io } from './io';
import type { FileOutcome } from './process-file';

const HOME = 'https://github.com/dockerize-slim/dockerize-slim';
const RULES_DOC = `${HOME}/blob/main/docs/rules.md`;

/** How a skip reads in code scanning: a broken original is an error, a risk a warning. */
const LEVEL_OF_CLASS: Record<SkipClass, 'error' | 'warning' | 'note'> = {
  'cannot-build': 'error',
  unsafe: 'warning',
  development: 'note',
  unsupported: 'note',
};

/** GitHub's heading anchor: `## node/resolve-start-command` -> `#noderesolve-start-command`. */
function anchor(rule: string): string {
  return rule
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

let descriptions: Map<string, string> | null = null;

/** The first sentence under each rule's heading in docs/rules.md, shipped with the package. */
function ruleDescriptions(): Map<string, string> {
  if (descriptions) return descriptions;
  descriptions = new Map();
  for (let dir = __dirname, i = 0; i < 4; dir = path.dirname(dir), i++) {
    const file = path.join(dir, 'docs', 'rules.md');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^## ([a-z]+\/[a-z0-9-]+)\n\n([\s\S]*?)(?:\n\n|$)/gm)) {
      const first = m[2].replace(/\s+/g, ' ').replace(/`/g, '');
      descriptions.set(m[1], first.length > 200 ? first.slice(0, 197) + '...' : first);
    }
    break;
  }
  return descriptions;
}

interface SarifResult {
  ruleId: string;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number };
    };
  }>;
  properties: Record<string, unknown>;
}

/**
 * A SARIF 2.1.0 log for code scanning: one result per file that would change (a warning: the
 * image can be smaller and non-root) or is left alone (its level from the skip class), at the
 * line concerned; each rule links to its section of docs/rules.md.
 */
export function toSarif(outcomes: FileOutcome[], version: string, io: Io) {
  const results: SarifResult[] = [];
  const location = (o: FileOutcome, line: number) => [
    {
      physicalLocation: {
        artifactLocation: { uri: encodeURI(o.display), uriBaseId: '%SRCROOT%' },
        region: { startLine: line },
      },
    },
  ];
  for (const o of outcomes) {
    const r = o.result;
    if (o.status === 'changed' && r) {
      const final = r.edits.find((e) => /-final-stage$/.test(e.rule)) ?? r.edits[0];
      results.push({
        ruleId: final.rule,
        level: 'warning',
        message: {
          text: `Can be multi-stage with a smaller, non-root final image: ${r.target ?? 'hardened'} -> ${r.finalImage}. ${r.edits.length} changes (${[...new Set(r.edits.map((e) => e.rule))].join(', ')}); run dockerize-slim to see the diff.`,
        },
        locations: location(o, 1),
        properties: {
          target: r.target ?? null,
          finalImage: r.finalImage ?? null,
          warnings: r.warnings.map((w) => `${w.rule}: ${w.reason}`),
        },
      });
    } else if (o.status === 'skipped' && r?.skipped) {
      const skip = r.skipped;
      const cls = classOfSkip(skip);
      results.push({
        ruleId: skip.rule,
        level: LEVEL_OF_CLASS[cls],
        message: {
          text: `Left unchanged (${cls}): ${skip.reason}${skip.suggestion ? `. Suggestion: ${skip.suggestion}` : ''}`,
        },
        locations: location(o, skip.line ?? 1),
        properties: { class: cls },
      });
    }
  }
  const ids = [...new Set(results.map((r) => r.ruleId))].sort();
  const docs = ruleDescriptions();
  const rules = ids.map((id) => ({
    id,
    name: id.replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase()),
    shortDescription: { text: docs.get(id) ?? id },
    helpUri: `${RULES_DOC}#${anchor(id)}`,
  }));
  const ruleIndex = new Map(ids.map((id, i) => [id, i]));
  const errors = outcomes.filter((o) => o.status === 'error');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockerize-slim',
            semanticVersion: version,
            informationUri: HOME,
            rules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: `file://${encodeURI(io.cwd.replace(/\/?$/, '/'))}` },
        },
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            toolExecutionNotifications: errors.map((o) => ({
              level: 'error',
              message: { text: `${o.display}: ${o.error!.message}` },
            })),
          },
        ],
        results: results.map((r) => ({ ...r, ruleIndex: ruleIndex.get(r.ruleId) })),
      },
    ],
  };
}

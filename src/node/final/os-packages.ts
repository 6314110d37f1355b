import { Change, instructionText } from '../../dockerfile/edit';
import type { LineWriter } from '../../dockerfile/edit';
import { runtimePackageInstall } from '../../common/os-packages';
import type { NodeFacts } from '../analyze';

/**
 * The OS package installs the builder ran for the app's run time, each alone with its flags, and
 * the shared libraries packages the app loads need where the full image had them and -slim not.
 */
export function replicatedOsPackages(
  facts: NodeFacts,
  w: LineWriter,
): { lines: string[]; changes: Change[] } {
  const { stage } = facts;
  const { doc } = stage;
  const lines: string[] = [];
  const changes: Change[] = [];
  const installed: string[] = [];
  for (const r of facts.runs) {
    const install = runtimePackageInstall(r.run, facts.runtimeOsPackages);
    if (install === null) continue;
    lines.push(
      install.whole ? instructionText(doc, r.run.ins) + w.eol : w.line('RUN', install.command),
    );
    installed.push(install.command);
  }
  // Libraries the full image had and its -slim lacks, for packages the app loads (Prisma: OpenSSL).
  const libraries = [...new Set(facts.sharedLibraries.flatMap((s) => s.debian))].filter(
    (p) => !facts.runtimeOsPackages.includes(p),
  );
  if (libraries.length > 0 && facts.base.libc === 'glibc' && !/slim/.test(facts.base.tag)) {
    const install = `apt-get update && apt-get install -y --no-install-recommends ${libraries.join(' ')} && rm -rf /var/lib/apt/lists/*`;
    lines.push(w.line('RUN', install));
    changes.push({
      note: {
        rule: 'node/shared-libraries',
        reason: `the app uses ${facts.sharedLibraries.map((s) => s.package).join(', ')}: ${facts.sharedLibraries.map((s) => s.why).join('; ')}; the final stage installs ${libraries.join(', ')} as ${stage.baseImage?.raw ?? 'the builder'} had ${libraries.length === 1 ? 'it' : 'them'}`,
      },
      edits: [],
    });
  }
  if (installed.length > 0)
    changes.push({
      note: {
        rule: 'node/runtime-os-packages',
        reason: `the app needs ${facts.runtimeOsPackages.join(', ')} at run time: the final stage installs ${facts.runtimeOsPackages.length === 1 ? 'it' : 'them'} as the builder did, alone (${installed.join('; ')})`,
      },
      edits: [],
    });
  return { lines, changes };
}

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
  builder: string,
): { lines: string[]; changes: Change[] } {
  const { stage } = facts;
  const { doc } = stage;
  const lines: string[] = [];
  const changes: Change[] = [];
  const installed: string[] = [];
  const config = packageSourceConfig(facts);
  for (const r of facts.runs) {
    const install = runtimePackageInstall(r.run, facts.runtimeOsPackages);
    if (install === null) continue;
    if (installed.length === 0)
      for (const dir of config) lines.push(w.line('COPY', `--from=${builder} ${dir} ${dir}`));
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
        reason: `the app needs ${facts.runtimeOsPackages.join(', ')} at run time: the final stage installs ${facts.runtimeOsPackages.length === 1 ? 'it' : 'them'} as the builder did, alone (${installed.join('; ')})${config.length > 0 ? `, with the package sources the builder set up (${config.join(', ')} copied from it)` : ''}`,
      },
      edits: [],
    });
  return { lines, changes };
}

// Commands that change where the package manager looks (archive.debian.org, a vendor's repository
// and its key): the final stage's install needs the same sources, so it gets the builder's.
const APT_CONFIG =
  /\/etc\/apt\b|sources\.list|apt-key|add-apt-repository|keyrings|deb\.nodesource|setup_\d+\.x|setup_lts/;
const APK_CONFIG = /\/etc\/apk\b/;

/** The package-manager configuration folders the builder changed before installing. */
function packageSourceConfig(facts: NodeFacts): string[] {
  const text = facts.stage.runs.map((r) => r.text).join('\n');
  const dirs: string[] = [];
  if (APT_CONFIG.test(text)) {
    dirs.push('/etc/apt');
    if (/\/usr\/share\/keyrings/.test(text)) dirs.push('/usr/share/keyrings');
  }
  if (APK_CONFIG.test(text)) dirs.push('/etc/apk');
  return dirs;
}

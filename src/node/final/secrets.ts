import { parseDockerIgnore } from '../../build-context/dockerignore';
import { hostProvidedPatterns, secretsWarning } from '../../build-context/host-files';
import { isWithin } from '../../build-context/path-pattern';
import { imagePathOf } from '../../dockerfile/copies';
import type { Note } from '../../types';
import type { NodeFacts } from '../analyze';

/** Secrets the copied app folder carries, now or whenever the user has them at build time. */
export function nodeSecrets(facts: NodeFacts, appDir: string): Note | null {
  const { stage } = facts;
  const ignored = facts.dockerignore !== null ? parseDockerIgnore(facts.dockerignore) : null;
  const present = facts.contextPaths.filter((p) => {
    if (p.endsWith('/') || ignored?.isExcluded(p)) return false;
    const image = imagePathOf(stage, facts.contextPaths, p);
    return image !== null && isWithin(image, appDir);
  });
  const whole = stage.copies.some(
    (c) =>
      c.fromStage === null &&
      c.sources.some((s) => s === '.' || s === './') &&
      isWithin(c.dest.replace(/\/$/, '') || '/', appDir),
  );
  const maybe = whole
    ? hostProvidedPatterns(facts.gitignore ?? undefined).filter(
        (p) => !ignored?.isExcluded(p.replace(/^\//, '')),
      )
    : [];
  return secretsWarning(appDir, present, maybe);
}

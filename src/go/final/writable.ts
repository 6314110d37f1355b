import type { GoRuntimePaths } from '../runtime-paths';

/** The empty folder the builder makes so the final WORKDIR can be created owned by the app's user. */
export const OWNED_WORKDIR = '/runtime-workdir';

/**
 * How each folder the app writes gets into the final image owned by its user: a copied runtime
 * folder (or one holding a written path) is copied with --chown; a folder that does not exist is
 * made in the builder and copied; the WORKDIR itself is created by copying an empty, owned folder
 * onto it before WORKDIR (a COPY --chown onto an existing folder leaves the folder root-owned).
 */
export function planWritable(
  runtime: GoRuntimePaths,
  workdir: string,
): { chown: Set<string>; create: string[]; workdir: boolean } {
  const chown = new Set<string>();
  const create: string[] = [];
  let ownWorkdir = false;
  for (const d of runtime.writableDirs) {
    if (d === workdir) {
      ownWorkdir = true;
      continue;
    }
    const covering = runtime.reads.find(
      (r) => r.imagePath === d || (r.kind === 'dir' && d.startsWith(r.imagePath + '/')),
    );
    if (covering) chown.add(covering.imagePath);
    else if (!create.some((c) => d.startsWith(c + '/'))) create.push(d);
    for (const r of runtime.reads) if (r.imagePath.startsWith(d + '/')) chown.add(r.imagePath);
  }
  return { chown, create, workdir: ownWorkdir };
}

import type { RuleId, Skip, SkipClass } from './types';

/**
 * Every rule that can leave a file unchanged: its class (for grouping skips in summaries and
 * reports) and what it refuses, in a few words. README's list of refusals is made from this
 * table and a test keeps the two equal; a planner that knows better for one case sets `class` on
 * the skip itself, and a rule not listed here is `unsupported`.
 */
export const SKIP_RULES: Partial<Record<RuleId, { class: SkipClass; refuses: string }>> = {
  'common/copy-source-missing': {
    class: 'cannot-build',
    refuses: 'a COPY of a file the repository does not have (unless `.gitignore` lists it)',
  },
  'common/tag-does-not-exist': {
    class: 'cannot-build',
    refuses: 'a `node` or `golang` tag the image has never had (`node:lastest`, `node:18-stretch`)',
  },
  'common/distro-mirror-gone': {
    class: 'cannot-build',
    refuses: '`apt-get` on a Debian release whose mirrors are gone (buster, stretch)',
  },
  'common/os-package-gone': {
    class: 'cannot-build',
    refuses: "an OS package the image's release no longer has (Alpine's `python` from 3.12)",
  },
  'common/package-manager-distro': {
    class: 'cannot-build',
    refuses: '`apt-get` on an Alpine image, `apk` on a Debian one',
  },
  'common/exec-form-one-string': {
    class: 'cannot-build',
    refuses: 'a whole command line as one exec-form string (`["npm start"]`)',
  },
  'node/package-manager-missing': {
    class: 'cannot-build',
    refuses: 'yarn, pnpm or corepack run on a node image without them, never installed',
  },
  'node/lockfile-missing': {
    class: 'cannot-build',
    refuses: '`npm ci` or a frozen install without the lockfile at that step',
  },
  'node/lockfile-out-of-sync': {
    class: 'cannot-build',
    refuses: '`npm ci` or a frozen install whose lockfile disagrees with package.json',
  },
  'node/unpinned-package-manager': {
    class: 'cannot-build',
    refuses:
      "a pnpm installed without a version whose today's release stops the install (old lockfile, unapproved build scripts)",
  },
  'node/start-file-missing': {
    class: 'cannot-build',
    refuses: 'a start file that is not there (and `.gitignore` does not list)',
  },
  'node/required-file-missing': {
    class: 'cannot-build',
    refuses: 'a relative require of a file the repository lacks',
  },
  'node/start-script-missing': {
    class: 'cannot-build',
    refuses: 'a package-manager start of a script package.json does not have',
  },
  'node/package-undeclared': {
    class: 'cannot-build',
    refuses: 'a package the code requires that nothing declares or locks',
  },
  'node/install-script-input-missing': {
    class: 'cannot-build',
    refuses: 'an install script that needs a file copied only after it',
  },
  'node/openssl-legacy-build': {
    class: 'cannot-build',
    refuses: 'a webpack 4 build on Node 17 or later',
  },
  'node/build-output-missing': {
    class: 'cannot-build',
    refuses: 'a framework start from output nothing builds',
  },
  'go/package-path-not-relative': {
    class: 'cannot-build',
    refuses:
      '`go build cmd/main` in module mode (without `./` go reads it as a standard-library path)',
  },
  'go/no-go-mod': {
    class: 'cannot-build',
    refuses: 'a package-mode `go build` without go.mod on module-mode Go',
  },
  'go/get-outside-module': {
    class: 'cannot-build',
    refuses: '`go get` outside a module on Go 1.18+',
  },
  'go/get-no-install': {
    class: 'cannot-build',
    refuses: 'a start that runs what `go get` no longer installs (Go 1.18+)',
  },
  'go/toolchain-too-old': {
    class: 'cannot-build',
    refuses: 'a go.mod newer than the image with `GOTOOLCHAIN=local`',
  },
  'go/relative-import': { class: 'cannot-build', refuses: 'relative imports in module mode' },
  'go/no-go-files': { class: 'cannot-build', refuses: '`go build` of a folder with no Go files' },
  'go/build-file-missing': {
    class: 'cannot-build',
    refuses: '`go build x.go` of a file that is not there',
  },
  'go/package-not-copied': {
    class: 'cannot-build',
    refuses: 'a build whose module packages the COPYs never bring',
  },
  'go/vendor-missing': { class: 'cannot-build', refuses: '`-mod=vendor` without vendor/' },
  'go/imports-unavailable': {
    class: 'cannot-build',
    refuses: 'Go imports nothing provides (no go.mod, vendor/ or go get)',
  },
  'node/dev-server-start': {
    class: 'development',
    refuses: 'dev servers and file watchers as the start (`--dev-to-production` opts in)',
  },
  'go/dev-server-start': {
    class: 'development',
    refuses: 'live-reload tools (air, reflex) as the start',
  },
  'common/validate-output': {
    class: 'unsafe',
    refuses: 'a rewrite that fails its own checks (a bug: please report it)',
  },
  'common/github-action': {
    class: 'unsafe',
    refuses: "a Docker container action's image (GitHub runs it as root)",
  },
  'common/needs-root': {
    class: 'unsafe',
    refuses:
      'an app that needs root: the Docker socket, raw sockets, setuid or chroot, privileged mode or capabilities, a port below 1024 on the host network',
  },
  'common/compose-run': {
    class: 'unsafe',
    refuses:
      'an image whose compose service runs another program in it (command, entrypoint, health check)',
  },
  'common/symlink-outside': {
    class: 'unsafe',
    refuses: 'a symlink to a Dockerfile outside the paths given',
  },
  'common/context-outside': {
    class: 'unsafe',
    refuses: 'a new file in a build context outside the paths given',
  },
  'common/observed-needs': {
    class: 'unsafe',
    refuses:
      'with `verify --observe --write`, needs the original was seen to have that no edit of the final stage can add (OS packages on an image without a package manager)',
  },
  'go/exec-programs': {
    class: 'unsafe',
    refuses: 'Go apps that `exec.Command` other programs, named or computed',
  },
  'go/runtime-os-packages': {
    class: 'unsafe',
    refuses: 'Go apps that need the OS packages the image installs',
  },
  'go/cgo-on-scratch': { class: 'unsafe', refuses: 'cgo binaries on scratch or static images' },
  'go/static-binary': {
    class: 'unsafe',
    refuses: 'a binary whose build step cannot be made static, for a libc-less image',
  },
  'go/cgo-libc': { class: 'unsafe', refuses: 'musl cgo binaries on glibc images' },
  'node/distroless-final-stage': {
    class: 'unsafe',
    refuses:
      '`--target distroless` for an app distroless cannot run (its major, programs, libraries)',
  },
  'node/devdependency-start': {
    class: 'unsafe',
    refuses: 'a start that first runs a devDependency CLI (migrations)',
  },
  'node/distro-builder': {
    class: 'unsafe',
    refuses: "native addons built on a distribution's Node (NodeSource)",
  },
  'node/tool-os-packages': {
    class: 'unsafe',
    refuses:
      'an npm script that installs OS packages, or a tool installing them (playwright --with-deps) on a final with no package manager',
  },
  'node/runtime-programs': {
    class: 'unsafe',
    refuses: 'programs the app starts that the final image would not have',
  },
  'common/already-multi-stage': {
    class: 'unsupported',
    refuses: 'multi-stage files (`--harden` adds a non-root USER to them)',
  },
  'common/base-image': {
    class: 'unsupported',
    refuses: 'a base image that is not a valid reference, or a digest alone',
  },
  'common/unsupported-base': {
    class: 'unsupported',
    refuses: 'base images other than node and golang (or their distribution builds)',
  },
  'common/app-directory': {
    class: 'unsupported',
    refuses: 'an app folder that cannot be known or copied apart from the OS',
  },
  'common/target': { class: 'unsupported', refuses: 'a `--target` that does not fit the app' },
  'common/harden-final-stage': {
    class: 'unsupported',
    refuses: '`--harden` of a final image it does not know',
  },
  'node/resolve-start-command': {
    class: 'unsupported',
    refuses: 'start commands that need a shell (`&&`, pipes, globs) or resolve to no node command',
  },
  'node/build-at-start': { class: 'unsupported', refuses: 'a build at container start' },
  'node/global-cli-start': {
    class: 'unsupported',
    refuses: 'a start through a global CLI the final image would not have',
  },
  'node/keep-package-script': {
    class: 'unsupported',
    refuses: 'a package-bin start (babel-node, ts-node) outside `--target slim`',
  },
  'node/npm-environment': {
    class: 'unsupported',
    refuses: 'an app reading `npm_*` values only npm sets, outside `--target slim`',
  },
  'node/yarn-pnp': { class: 'unsupported', refuses: "Yarn Plug'n'Play installs" },
  'node/upgrade-node': { class: 'unsupported', refuses: '`--node` below the app’s own major' },
  'node/cgr-builder': { class: 'unsupported', refuses: 'Chainguard targets it cannot match' },
  'node/next-start': { class: 'unsupported', refuses: 'Next.js shapes it does not handle yet' },
  'node/nuxt2-start': { class: 'unsupported', refuses: 'Nuxt 2 shapes it does not handle yet' },
  'node/remix-serve': { class: 'unsupported', refuses: 'Remix shapes it does not handle yet' },
  'go/start-command': {
    class: 'unsupported',
    refuses: 'a Go start with no CMD, or one that needs a shell',
  },
  'go/binary-path': { class: 'unsupported', refuses: 'a Go binary whose path cannot be known' },
  'go/toolchain-at-runtime': {
    class: 'unsupported',
    refuses: '`go run` that cannot become a build',
  },
  'go/onbuild-image': { class: 'unsupported', refuses: 'golang:onbuild images' },
  'static/detect-static-site': {
    class: 'unsupported',
    refuses: 'a static site whose output folder or port cannot be known',
  },
  'static/base-path': { class: 'unsupported', refuses: 'a static site served under a base path' },
  'static/nginx-config': {
    class: 'unsupported',
    refuses: 'an nginx.conf it would have to overwrite or that .dockerignore keeps out',
  },
};

export const SKIP_CLASSES: readonly SkipClass[] = [
  'cannot-build',
  'development',
  'unsafe',
  'unsupported',
];

/** How each class reads in a summary: "3 cannot build or start as they are". */
export const SKIP_CLASS_LABELS: Record<SkipClass, string> = {
  'cannot-build': 'cannot build or start as they are',
  development: 'development containers',
  unsafe: 'unsafe to rewrite',
  unsupported: 'not supported',
};

export function classOfSkip(skip: Skip): SkipClass {
  return skip.class ?? SKIP_RULES[skip.rule]?.class ?? 'unsupported';
}

/** README's list of what the tool refuses, by class, from SKIP_RULES. */
export function refusalsMarkdown(): string {
  const heads: Record<SkipClass, string> = {
    'cannot-build': 'Originals that cannot build or start as they are',
    development: 'Development containers',
    unsafe: 'What a rewrite could break at run time',
    unsupported: 'Shapes it does not handle',
  };
  return SKIP_CLASSES.map((c) => {
    const items = Object.entries(SKIP_RULES)
      .filter(([, r]) => r!.class === c)
      .map(([id, r]) => `${r!.refuses} (\`${id}\`)`);
    return `- **${heads[c]}** (\`${c}\`): ${items.join('; ')}.`;
  }).join('\n');
}

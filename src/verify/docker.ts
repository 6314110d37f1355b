import { spawn } from 'child_process';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the docker CLI (BuildKit on) with a time limit; never throws for a non-zero exit. */
export interface Docker {
  run(args: string[], options?: { timeoutMs?: number }): Promise<DockerResult>;
  /** As run, but stdout goes to onStdout as it comes (for `docker export`) and is not kept. */
  stream(
    args: string[],
    onStdout: (chunk: Buffer) => void,
    options?: { timeoutMs?: number },
  ): Promise<DockerResult>;
}

export function dockerCli(binary: string, env: NodeJS.ProcessEnv = process.env): Docker {
  const spawnDocker = (
    args: string[],
    onStdout: ((chunk: Buffer) => void) | null,
    timeoutMs: number,
  ): Promise<DockerResult> =>
    new Promise((resolve) => {
      const child = spawn(binary, args, {
        env: { ...env, DOCKER_BUILDKIT: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (onStdout ? onStdout(d) : (stdout += d.toString())));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ code: 127, stdout, stderr: stderr + e.message });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 137, stdout, stderr });
      });
    });
  return {
    run: (args, options = {}) => spawnDocker(args, null, options.timeoutMs ?? 15 * 60_000),
    stream: (args, onStdout, options = {}) =>
      spawnDocker(args, onStdout, options.timeoutMs ?? 15 * 60_000),
  };
}

/** The docker client to use: $DOCKER, else Debian's /usr/bin/docker (it has BuildKit), else `docker`. */
export function pickDockerBinary(env: NodeJS.ProcessEnv, exists: (p: string) => boolean): string {
  if (env.DOCKER) return env.DOCKER;
  return exists('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
}

/** Whether /bin/sh starts in the image (no network, removed afterwards). */
export async function hasShell(docker: Docker, image: string): Promise<boolean> {
  const r = await docker.run([
    'run',
    '--rm',
    '--network',
    'none',
    '--entrypoint',
    '/bin/sh',
    image,
    '-c',
    'true',
  ]);
  return r.code === 0;
}

// Runs the GitHub Action (action.yml) the way a runner does, without GitHub: a copy of this
// repository is the action's folder, each composite step's ${{ inputs.* }} expressions are
// substituted, steps run as `bash --noprofile --norc -eo pipefail` in a workspace with
// GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and RUNNER_TEMP files, and the outputs are read back.
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-action-'));
const actionPath = path.join(tmp, 'action');
const SKIP = new Set(['node_modules', '.git', 'dist', '.e2e']);
fs.cpSync(ROOT, actionPath, { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) });

function expand(text, inputs, outputs) {
  return String(text).replace(/\$\{\{\s*(inputs|steps)\.([\w.-]+)\s*\}\}/g, (_m, kind, name) => {
    if (kind === 'inputs') return inputs[name] ?? action.inputs[name]?.default ?? '';
    const [step, , key] = name.split('.');
    return outputs[step]?.[key] ?? '';
  });
}

/** One run of the action: the steps in order until one fails; the action's outputs. */
function runAction(inputs, workspace) {
  const summary = path.join(tmp, `summary-${Math.random().toString(16).slice(2)}.md`);
  fs.writeFileSync(summary, '');
  const stepOutputs = {};
  let log = '';
  for (const step of action.runs.steps) {
    const output = path.join(tmp, `output-${Math.random().toString(16).slice(2)}`);
    fs.writeFileSync(output, '');
    // The runner's own environment (its PATH, proxies and CA settings), then what GitHub adds.
    const env = {
      ...process.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: tmp,
      ...Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs, stepOutputs)]),
      ),
    };
    const script = path.join(tmp, 'step.sh');
    fs.writeFileSync(script, expand(step.run, inputs, stepOutputs));
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      env,
      encoding: 'utf8',
    });
    log += `--- ${step.name}\n${r.stdout}${r.stderr}`;
    if (step.id) {
      stepOutputs[step.id] = Object.fromEntries(
        fs
          .readFileSync(output, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    }
    if (r.status !== 0)
      return { exit: r.status, outputs: {}, summary: fs.readFileSync(summary, 'utf8'), log };
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([k, v]) => [k, expand(v.value, inputs, stepOutputs)]),
  );
  return { exit: 0, outputs, summary: fs.readFileSync(summary, 'utf8'), log };
}

function workspaceWith(examples) {
  const ws = fs.mkdtempSync(path.join(tmp, 'workspace-'));
  for (const [name, from] of Object.entries(examples))
    fs.cpSync(path.join(ROOT, 'examples', from), path.join(ws, name), { recursive: true });
  return ws;
}

let failures = 0;
function expect(name, ok, detail) {
  console.log(`${ok ? 'pass' : 'FAIL'} action: ${name}${ok ? '' : `: ${detail}`}`);
  if (!ok) failures++;
}

const ws = workspaceWith({ api: 'node-express', site: 'react-spa' });
fs.mkdirSync(path.join(ws, 'done'));
fs.writeFileSync(
  path.join(ws, 'done', 'Dockerfile'),
  'FROM node:22 AS build\nRUN true\nFROM gcr.io/distroless/nodejs22-debian13:nonroot\nUSER 65532\nCMD ["a.js"]\n',
);
const check = runAction({ mode: 'check' }, ws);
expect(
  'check mode fails the job when files would change',
  check.exit === 1,
  `exit ${check.exit}\n${check.log}`,
);
expect(
  'the error annotation names the fix',
  /::error::2 Dockerfile\(s\) can be multi-stage/.test(check.log),
  check.log,
);
expect(
  'the job summary holds the markdown report',
  check.summary.includes('## dockerize-slim'),
  check.summary,
);
const sarifPath = path.join(ws, 'dockerize-slim.sarif');
const sarif = fs.existsSync(sarifPath) ? JSON.parse(fs.readFileSync(sarifPath, 'utf8')) : null;
expect(
  'a SARIF 2.1.0 log is written with one result per Dockerfile',
  sarif?.version === '2.1.0' && sarif.runs[0].results.length === 3,
  JSON.stringify(sarif)?.slice(0, 300),
);
const report = runAction({ mode: 'report', 'sarif-file': 'out/report.sarif' }, ws);
expect('report mode never fails', report.exit === 0, `exit ${report.exit}\n${report.log}`);
expect(
  'the outputs count what changed and what was left alone, and the SARIF folder is made',
  report.outputs.changed === '2' &&
    report.outputs.skipped === '1' &&
    fs.existsSync(path.join(ws, 'out', 'report.sarif')),
  JSON.stringify(report.outputs),
);
const clean = runAction({ mode: 'check', paths: 'done' }, ws);
expect(
  'check mode passes when nothing would change',
  clean.exit === 0 && clean.outputs.changed === '0',
  `exit ${clean.exit} ${JSON.stringify(clean.outputs)}\n${clean.log}`,
);
const hostile = runAction(
  { mode: 'check', paths: '"; touch /tmp/dockerize-slim-injected; echo "' },
  ws,
);
expect(
  'inputs are data, never shell code',
  !fs.existsSync('/tmp/dockerize-slim-injected') && hostile.exit !== 0,
  hostile.log,
);
const bad = runAction({ mode: 'maybe' }, ws);
expect(
  'an unknown mode is refused',
  bad.exit === 2 && /mode must be check or report/.test(bad.log),
  bad.log,
);

fs.rmSync(tmp, { recursive: true, force: true });
console.log(`action: ${failures === 0 ? 'all passed' : `${failures} failed`}`);
process.exitCode = failures === 0 ? 0 : 1;

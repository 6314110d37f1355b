import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { makeTree, NODE_APP, runCli } from '../helpers/cli';

const MULTITOOL = path.join(
  __dirname,
  '..',
  '..',
  'node_modules',
  '@microsoft',
  'sarif-multitool',
  'bin.js',
);

interface SarifLog {
  version: string;
  runs: Array<{
    tool: {
      driver: { rules: Array<{ id: string; helpUri: string; shortDescription: { text: string } }> };
    };
    results: Array<{
      ruleId: string;
      level: string;
      message: { text: string };
      locations: Array<{
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
      }>;
    }>;
  }>;
}

describe('--format sarif', () => {
  const root = makeTree({
    ...NODE_APP,
    'broken/Dockerfile':
      'FROM node:22-alpine\nWORKDIR /app\nRUN apt-get update\nCMD ["node", "x.js"]\n',
    'multi/Dockerfile': 'FROM node:22 AS a\nRUN true\nFROM node:22-slim\nCMD ["node", "/a.js"]\n',
    'dev/package.json': JSON.stringify({ scripts: { dev: 'nodemon s.js' } }),
    'dev/Dockerfile': 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["npm", "run", "dev"]\n',
  });

  it('gives one result per changed or skipped file, at the line concerned', async () => {
    const r = await runCli(['--format', 'sarif', '.'], root);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout) as SarifLog;
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0].results.map((x) => [
      x.locations[0].physicalLocation.artifactLocation.uri,
      x.ruleId,
      x.level,
      x.locations[0].physicalLocation.region.startLine,
    ]);
    expect(results).toEqual([
      ['Dockerfile', 'node/distroless-final-stage', 'warning', 1],
      ['broken/Dockerfile', 'common/package-manager-distro', 'error', 3],
      ['dev/Dockerfile', 'node/dev-server-start', 'note', 4],
      ['multi/Dockerfile', 'common/already-multi-stage', 'note', 1],
    ]);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.find((x) => x.id === 'common/package-manager-distro')).toMatchObject({
      helpUri:
        'https://github.com/dockerize-slim/dockerize-slim/blob/main/docs/rules.md#commonpackage-manager-distro',
      shortDescription: {
        text: expect.stringMatching(/^Skip \(cannot-build\): apt-get\/apt on an Alpine/),
      },
    });
  });

  it('passes the SARIF 2.1.0 validator (Microsoft SARIF Multitool) without errors or warnings', async () => {
    const r = await runCli(['--format', 'sarif', '.'], root);
    const input = path.join(root, 'out.sarif');
    const report = path.join(root, 'validation.sarif');
    fs.writeFileSync(input, r.stdout);
    const v = spawnSync(process.execPath, [MULTITOOL, 'validate', input, '--output', report], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(v.status).toBe(0);
    const findings = (JSON.parse(fs.readFileSync(report, 'utf8')) as SarifLog).runs[0].results;
    expect(findings.map((f) => `${f.level ?? 'warning'} ${f.ruleId}`)).toEqual([]);
  }, 150_000);
});

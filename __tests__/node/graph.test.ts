import { moduleGraph, packageOf, sourceOfBuilt } from '../../src/node/graph';

describe('module graph from the start file', () => {
  const files = {
    'server.js':
      "const app = require('./lib/app');\nrequire('dotenv').config();\n// require('ignored')\n",
    'lib/app.js':
      "import express from 'express';\nimport type { X } from 'only-types';\nexport { y } from './y';\n",
    'lib/y.ts':
      "const fs = require('node:fs');\nconst p = require('path');\nimport('@scope/pkg/sub');\n",
    'tools/unused.js': "require('child_process').exec('ls');\n",
  };

  it('follows relative requires and imports, and lists the packages they load', () => {
    const g = moduleGraph('server.js', files);
    expect(g.files).toEqual(['server.js', 'lib/app.js', 'lib/y.ts']);
    expect([...g.packages.keys()].sort()).toEqual(['@scope/pkg', 'dotenv', 'express']);
    expect(g.packages.get('express')).toBe('lib/app.js:1');
  });

  it.each([
    ['express', 'express'],
    ['lodash/get', 'lodash'],
    ['@nestjs/core/x', '@nestjs/core'],
    ['fs', null],
    ['fs/promises', null],
    ['node:test', null],
  ])('%s is %s', (spec, pkg) => expect(packageOf(spec)).toBe(pkg));

  it.each([
    ['dist/main.js', { 'src/main.ts': '' }, null, 'src/main.ts'],
    ['build/index.js', { 'src/index.ts': '' }, null, 'src/index.ts'],
    [
      'out/app.js',
      { 'source/app.ts': '' },
      { outDir: './out', rootDir: './source' },
      'source/app.ts',
    ],
    ['dist/main.js', {}, null, null],
  ] as const)('%s comes from %j', (built, sources, tsconfig, source) => {
    expect(sourceOfBuilt(built, sources, tsconfig)).toBe(source);
  });
});

describe('what the graph cannot follow', () => {
  it.each([
    ['require(name)', ['a.js:1 requires a name computed at run time']],
    ['require(`./plugins/${p}`)', ['a.js:1 requires a name computed at run time']],
    ['await import(spec)', ['a.js:1 imports a name computed at run time']],
    ["require('./missing')", ['a.js:1 requires ./missing, which the build context does not have']],
    ["require('./data.json')", []],
    ["require.resolve(x); require('express')", []],
    ['myrequire(x)', []],
  ])('%s', (code, unknown) => {
    expect(moduleGraph('a.js', { 'a.js': code + '\n' }).unknown).toEqual(unknown);
  });

  it('follows tsconfig path aliases and baseUrl, and names an alias it cannot follow', () => {
    const files = {
      'src/main.ts':
        "import { db } from '@/lib/db';\nimport util from 'shared/util';\nimport x from '~/nope';\n",
      'src/lib/db.ts': "import pg from 'pg';\n",
      'src/shared/util.ts': "import dayjs from 'dayjs';\n",
    };
    const g = moduleGraph('src/main.ts', files, {
      baseUrl: 'src',
      paths: { '@/*': ['*'], '~/*': ['missing/*'] },
    });
    expect(g.files).toEqual(['src/main.ts', 'src/lib/db.ts', 'src/shared/util.ts']);
    expect([...g.packages.keys()].sort()).toEqual(['dayjs', 'pg']);
    expect(g.unknown).toEqual([
      'src/main.ts:3 requires ~/nope, a tsconfig path alias it could not follow',
    ]);
  });
});

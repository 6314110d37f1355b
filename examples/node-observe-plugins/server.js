'use strict';
// Loads its plugins through a dependency (plugin-host) that requires them by the names
// plugins.json gives: the app's own code requires only packages, so its module graph is whole,
// but what plugin-host loads is inside a package the analysis does not read. "ms" is a
// devDependency, which the rewrite's prune removes; verify --observe sees node read
// node_modules/ms at start.
const http = require('http');
const plugins = require('./plugins.json');

const loaded = require('plugin-host')(plugins, __dirname);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/') return res.end(`plugins: ${Object.keys(loaded).join(', ')}\n`);
  if (url.pathname === '/duration') {
    const text = url.searchParams.get('of') || '1h';
    return res.end(`${text} is ${loaded.duration(text)} ms\n`);
  }
  res.statusCode = 404;
  res.end('not found\n');
});
server.listen(3042, () => console.log('listening on 3042'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

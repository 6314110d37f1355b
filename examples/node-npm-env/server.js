// npm start puts npm_package_name and npm_package_version in the environment; started with node
// directly they are gone unless the image sets them, so this answers differently if they are lost.
const http = require('node:http');

const name = process.env.npm_package_name;
const version = process.env.npm_package_version;
if (!version) {
  console.error('npm_package_version is not set: start me with npm start');
  process.exit(1);
}

const server = http
  .createServer((req, res) => {
    if (req.url === '/version') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, version }) + '\n');
    } else {
      res.end(`${name} ${version} (${process.env.npm_lifecycle_event ?? 'no script'})\n`);
    }
  })
  .listen(Number(process.env.PORT ?? 3001));

// As PID 1, node gets no default SIGTERM handler; stop cleanly when the container is stopped.
process.on('SIGTERM', () => server.close(() => process.exit(0)));

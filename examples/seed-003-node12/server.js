const express = require('express');

const app = express();
app.get('/', (_req, res) => res.send('Hello World\n'));
app.get('/node', (_req, res) =>
  res.json({ major: Number(process.versions.node.split('.')[0]) >= 12 }),
);

const server = app.listen(8080, '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));

'use strict';
const express = require('express');

const app = express();
const port = Number(process.env.PORT || 3000);
const notes = [{ id: 1, text: 'multi-stage builds keep compilers out of production' }];

app.use(express.json());
app.get('/', (_req, res) => res.json({ service: 'notes', notes: notes.length }));
app.get('/notes', (_req, res) => res.json(notes));
app.get('/notes/:id', (req, res) => {
  const note = notes.find((n) => n.id === Number(req.params.id));
  if (!note) return res.status(404).json({ error: 'not found' });
  return res.json(note);
});
app.get('/health', (_req, res) => res.send('ok'));

const server = app.listen(port, () => console.log(`listening on ${port}`));
// Exit promptly on SIGTERM (docker stop) instead of waiting for the kill timeout.
process.on('SIGTERM', () => server.close(() => process.exit(0)));

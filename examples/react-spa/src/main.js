// Plain createElement calls instead of JSX, so the build needs only Vite itself.
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes, useParams } from 'react-router-dom';

const notes = [
  { id: 'builds', title: 'Multi-stage builds', text: 'Compilers stay in the builder.' },
  { id: 'users', title: 'Non-root users', text: 'Numeric UIDs let Kubernetes verify them.' },
];

function Home() {
  return h(
    'ul',
    null,
    notes.map((n) => h('li', { key: n.id }, h(Link, { to: `/notes/${n.id}` }, n.title))),
  );
}

function Note() {
  const { id } = useParams();
  const note = notes.find((n) => n.id === id);
  return note
    ? h('article', null, h('h2', null, note.title), h('p', null, note.text))
    : h('p', null, 'Not found');
}

createRoot(document.getElementById('root')).render(
  h(
    StrictMode,
    null,
    h(
      BrowserRouter,
      null,
      h('h1', null, 'Field notes'),
      h(
        Routes,
        null,
        h(Route, { path: '/', element: h(Home) }),
        h(Route, { path: '/notes/:id', element: h(Note) }),
      ),
    ),
  ),
);

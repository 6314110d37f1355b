import React from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  return <h1>Seed 000: built with react-scripts, served by nginx</h1>;
}

createRoot(document.getElementById('root')).render(<App />);

// Settings for local runs come from .env.defaults; dotenv is a devDependency, but this file is
// loaded by next start too, so the production image needs it.
require('dotenv').config({ path: '.env.defaults' });

/** @type {import('next').NextConfig} */
module.exports = {
  // The example is built offline: no telemetry, no remote fonts or images.
  images: { unoptimized: true },
  poweredByHeader: false,
  env: { GREETING: process.env.GREETING ?? 'hello' },
};

/** @type {import('next').NextConfig} */
module.exports = {
  output: 'standalone',
  // The example is built offline: no telemetry, no remote fonts or images.
  images: { unoptimized: true },
};

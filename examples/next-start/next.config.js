/** @type {import('next').NextConfig} */
module.exports = {
  // The example is built offline: no telemetry, no remote fonts or images.
  images: { unoptimized: true },
};

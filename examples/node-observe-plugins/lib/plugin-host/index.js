'use strict';
// Loads plugins by the names a config gives, from the app's node_modules.
const path = require('path');
module.exports = function load(names, from) {
  const loaded = {};
  for (const [role, name] of Object.entries(names))
    loaded[role] = require(require.resolve(name, { paths: [from] }));
  return loaded;
};

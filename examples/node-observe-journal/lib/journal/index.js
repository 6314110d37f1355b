'use strict';
// A small journal kept beside the app: the folder is made on first use under the working
// directory, which is the app's own folder in the image.
const fs = require('fs');
const path = require('path');

function open(name) {
  const folder = path.resolve(process.cwd(), ['var', name].join(path.sep));
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'entries.log');
  return {
    add(line) {
      fs.appendFileSync(file, `${line}\n`);
    },
    count() {
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;
    },
  };
}

module.exports = { open };

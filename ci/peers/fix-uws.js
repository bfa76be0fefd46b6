'use strict';
// Gives node_modules/uWebSockets.js (installed from uws-pack through the override in
// package.json) a CommonJS entry, because soketi loads it with require() and uws-pack
// only ships an ES module. Safe to run again: it writes the same content each time.
// Usage: node fix-uws.js [DIR]   (DIR defaults to the node_modules/uWebSockets.js next to this file)

const fs = require('fs');
const path = require('path');

const EXPECTED_NAME = 'uws-pack';
const EXPECTED_VERSION = '20.0.8';
const ENTRY = 'pushspec-cjs-entry.js';

function fail(msg) {
  process.stderr.write(`fix-uws: ${msg}\n`);
  process.exit(1);
}

const dir = path.resolve(process.argv[2] || path.join(__dirname, 'node_modules', 'uWebSockets.js'));
const pkgFile = path.join(dir, 'package.json');
if (!fs.existsSync(pkgFile)) fail(`${pkgFile} is missing: run npm ci first`);

let pkg;
try {
  pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
} catch (e) {
  fail(`cannot parse ${pkgFile}: ${e.message}`);
}
if (pkg.name !== EXPECTED_NAME || pkg.version !== EXPECTED_VERSION) {
  fail(`${dir} holds ${pkg.name}@${pkg.version}, expected ${EXPECTED_NAME}@${EXPECTED_VERSION} (check "overrides" in package.json)`);
}

const binary = path.join(dir, 'dist', 'bin',
  `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
if (!fs.existsSync(binary)) {
  fail(`no prebuilt binary for this platform/Node ABI: ${binary} (Node ${process.version})`);
}

// The entry picks the binary at load time, so the same tree works for any ABI uws-pack ships.
fs.writeFileSync(path.join(dir, ENTRY),
  "module.exports = require(`./dist/bin/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);\n");

delete pkg.type;
pkg.main = `./${ENTRY}`;
pkg.exports = {
  types: './dist/index.d.mts',
  import: './dist/index.mjs',
  require: `./${ENTRY}`,
};
fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
process.stdout.write(`fix-uws: ${path.relative(process.cwd(), dir) || dir} now has a CommonJS entry (${ENTRY})\n`);

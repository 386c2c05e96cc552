'use strict';
// Shared helpers for test/*.test.js (kept outside test/ so the runner does not run it as a test).

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');
// ND_WS_BUILD points the tests at other build products (default: the repo's build/).
const BUILD = process.env.ND_WS_BUILD ? path.resolve(process.env.ND_WS_BUILD) : path.join(REPO, 'build');
const FIXTURES = path.join(__dirname, 'test', 'fixtures');
const RUNTIMES = ['strict', 'extism'];

// A build product of the top-level Makefile; a missing one is a failure, never a skip.
function artifact(name) {
  const file = path.join(BUILD, name);
  assert.ok(fs.existsSync(file), `${path.relative(REPO, file)} is missing: run \`make\` (or \`make test-plugins\`) in ${REPO} first`);
  return file;
}

// Compiles test/fixtures/NAME.wat with wabt's wat2wasm into a temporary file; returns its path.
const compiled = new Map();
function wat(name) {
  if (compiled.has(name)) return compiled.get(name);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nd-ws-wat-')), `${name}.wasm`);
  try {
    execFileSync('wat2wasm', [path.join(FIXTURES, `${name}.wat`), '-o', out], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`wat2wasm failed for ${name}.wat (is Debian's wabt installed?): ${e.stderr ?? e.message}`);
  }
  compiled.set(name, out);
  return out;
}

const manifest = (requiredHosts) => ({
  name: 'test',
  author: 'nd_ws tests',
  version: '1.0.0',
  ...(requiredHosts ? { permissions: { websocket: { reason: 'tests', requiredHosts } } } : {}),
});

const hex = (s) => (Buffer.from(s).length ? Buffer.from(s).toString('hex') : '-');

module.exports = { REPO, BUILD, RUNTIMES, artifact, wat, manifest, hex };

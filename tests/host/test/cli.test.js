'use strict';
// nd-host.js as a command: exit codes, --json logs, --echo/--timeout, --demo.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RUNTIMES, artifact, wat, manifest } = require('../testkit');

const CLI = path.join(__dirname, '..', 'nd-host.js');

function run(args, timeoutMs = 30000) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--no-warnings', CLI, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code ?? 1 : 0, stdout, stderr });
    });
  });
}
const jsonLines = (stdout) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('a bare .wasm with --manifest loads; --json gives one object per line', async () => {
  const m = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nd-ws-cli-')), 'manifest.json');
  fs.writeFileSync(m, JSON.stringify(manifest(['127.0.0.1'])));
  const r = await run(['--json', '--runtime', 'strict', '--manifest', m, wat('hostprobe')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const loaded = jsonLines(r.stdout).find((e) => e.msg === 'plugin loaded');
  assert.equal(loaded.websocket, '127.0.0.1');
});

test('a plugin importing websocket_* without the permission fails to load (exit 1)', async () => {
  const r = await run(['--json', wat('hostprobe')]);
  assert.equal(r.code, 1);
  const failed = jsonLines(r.stdout).find((e) => e.msg === 'plugin failed to load');
  assert.equal(failed.error, '"websocket_connect" is not exported in module "extism:host/user"');
});

test('usage errors exit 2', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['--config', 'novalue', 'x.wasm'])).code, 2);
  assert.equal((await run(['--timeout', 'soon', 'x.wasm'])).code, 2);
});

for (const runtime of RUNTIMES) {
  test(`--echo and --timeout: echo.ndp connects, is unloaded after the timeout (${runtime})`, async () => {
    const r = await run(['--json', '--runtime', runtime, '--echo', '--timeout', '1', artifact('echo.ndp')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = jsonLines(r.stdout);
    assert.ok(lines.some((e) => e.msg === 'websocket connected' && e.connectionId === 'echo'));
    const init = lines.find((e) => e.msg === 'callback' && e.export === 'nd_on_init');
    assert.ok(init?.ok, JSON.stringify(init));
    const close = lines.find((e) => e.msg === 'callback' && e.export === 'nd_websocket_on_close');
    assert.ok(close?.ok, JSON.stringify(close));
  });

  test(`--demo: the scripted conversation with echo.ndp passes (${runtime})`, async () => {
    const r = await run(['--demo', '--quiet', '--runtime', runtime, artifact('echo.ndp')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /demo: all checks passed/);
  });
}

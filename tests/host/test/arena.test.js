'use strict';
// The arena's first growth in a fresh instance happens inside a request being written
// (build/initsend.wasm): the request must still reach the host intact.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { NdHost } = require('../nd-host.js');
const { RUNTIMES, artifact, manifest } = require('../testkit.js');

for (const runtime of RUNTIMES) {
  test(`a request written by the arena's first allocation reaches the host (${runtime})`, async (t) => {
    const host = await NdHost.load(artifact('initsend.wasm'), { runtime, manifest: manifest(['127.0.0.1']) });
    t.after(() => host.close());
    const r = await host.init();
    assert.equal(r.ok, false);
    assert.equal(r.error, 'nd_ws: nd_on_init: connection ID "nobody" not found');
  });
}

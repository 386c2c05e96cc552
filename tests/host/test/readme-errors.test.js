'use strict';
// The error messages README.md shows, exactly, in both hosts.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { NdHost } = require('../nd-host');
const { RUNTIMES, artifact } = require('../testkit');

const CASES = [
  ['nd_websocket_on_text_message', '{"connectionId":"a"}', 'nd_ws: nd_websocket_on_text_message: missing field "message"'],
  ['nd_websocket_on_text_message', '{"connectionId":"a","message":"\u0001"}',
    'nd_ws: nd_websocket_on_text_message: invalid JSON: control character in string at byte 31'],
  ['nd_websocket_on_binary_message', '{"connectionId":"c1","data":"QUJD!EVG"}',
    'nd_ws: nd_websocket_on_binary_message: field "data": invalid base64 at character 4'],
  ['nd_websocket_on_close', '{"connectionId":"c1","code":1.5,"reason":""}',
    'nd_ws: nd_websocket_on_close: field "code": expected an integer in int32 range at byte 28'],
];

for (const runtime of RUNTIMES) {
  test(`README's error examples, word for word (${runtime})`, async (t) => {
    const host = await NdHost.load(artifact('probe.wasm'), { runtime });
    t.after(() => host.close());
    for (const [exp, input, message] of CASES) {
      const r = await host.call(exp, Buffer.from(input), 'c1');
      assert.equal(r.ok, false, input);
      assert.equal(r.error, message, input);
    }
  });
}

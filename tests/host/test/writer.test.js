'use strict';
// What nd_ws writes, byte for byte: the request bodies of websocket_connect, _sendtext and
// _closeconnection, and the {"error":"..."} output of a failed callback. build/client.wasm
// (CONTRACT.md) runs with host functions that record each raw request and answer as told; its
// commands arrive as raw callback inputs, so they can hold anything, invalid UTF-8 included (nd_ws
// decodes strings without validating UTF-8).
//
// The writer escapes only '"' and '\' (as \" and \\) and bytes below 0x20 (as \u00xx, lowercase
// hex); every other byte is written as it is, invalid UTF-8 included. Go's decoder on the host side
// makes one U+FFFD of each invalid byte, so Navidrome reads what it would read if nd_ws had
// replaced them: checked with gojson's unmarshalStruct (json.Unmarshal).
const test = require('node:test');
const assert = require('node:assert/strict');
const { RUNTIMES, artifact } = require('../testkit');
const { unmarshalStruct, goText } = require('../gojson');
const { EXPORTS, probeHost, problem, show } = require('../reference');

const raw = (s) => Buffer.from(s, 'latin1');
const same = (actual, expected, what) => assert.ok(Buffer.isBuffer(actual) && actual.equals(expected), `${what}:\n got ${show(actual ?? Buffer.alloc(0), 3000)}\nwant ${show(expected, 3000)}`);

// A callback input for the text command `cmd` (bytes): what must be escaped is (as \u00xx), every
// byte from 0x80 up stays raw.
const commandInput = (cmd) =>
  Buffer.concat([
    raw('{"connectionId":"cmd","message":"'),
    ...[...cmd].map((b) => (b < 0x20 || b === 0x22 || b === 0x5c ? raw(`\\u00${b.toString(16).padStart(2, '0')}`) : Buffer.from([b]))),
    raw('"}'),
  ]);

// The writer's rule, for the inputs built from all byte values (the hand-written cases below
// spell their expected bytes out).
const written = (bytes) =>
  Buffer.concat([...bytes].map((b) => (b === 0x22 ? raw('\\"') : b === 0x5c ? raw('\\\\') : b < 0x20 ? raw(`\\u00${b.toString(16).padStart(2, '0')}`) : Buffer.from([b]))));

const SEND_TEXT = { typeName: 'WebSocketSendTextRequest', fields: { connectionId: 'string', message: 'string' } };
const CLOSE = { typeName: 'WebSocketCloseConnectionRequest', fields: { connectionId: 'string', code: 'int32', reason: 'string' } };
const CONNECT = { typeName: 'WebSocketConnectRequest', fields: { url: 'string', headers: 'map[string]string', connectionId: 'string' } };

const ALL = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const NO_SPACE_NUL = Buffer.from([...ALL].filter((b) => b !== 0x20 && b !== 0x00)); // one word, a C string

for (const runtime of RUNTIMES) {
  test(`nd_ws's JSON writer: requests and error output byte for byte (${runtime})`, async () => {
    const requests = [];
    let response = null;
    const record = (name, answer) => (ctx, h) => {
      requests.push({ name, body: ctx.readBytes(h) });
      return ctx.writeBytes(response ?? answer);
    };
    const functions = {
      websocket_connect: record('websocket_connect', '{"newConnectionId":"n"}'),
      websocket_sendtext: record('websocket_sendtext', '{}'),
      websocket_sendbinary: record('websocket_sendbinary', '{}'),
      websocket_closeconnection: record('websocket_closeconnection', '{}'),
    };
    const { call } = await probeHost(runtime, artifact('client.wasm'), { functions });
    // Runs a command that must succeed (or, with `reject`, fail cleanly) after one request to host
    // function fn; returns the result and the request's body.
    const run = async (fn, cmd, reject) => {
      requests.length = 0;
      const input = commandInput(raw(cmd));
      const r = await call(EXPORTS.text, input);
      assert.equal(r.trap, null, `${show(input)}: ${r.trap}`);
      assert.deepEqual(r.violations, [], show(input));
      if (reject) assert.equal(problem(runtime, EXPORTS.text, input, r, { reject: 'any' }), null, show(input));
      else assert.equal(r.error, null, `${show(input)}: ${r.error}`);
      assert.deepEqual(requests.map((q) => q.name), [fn], show(input));
      return { r, body: requests[0].body };
    };

    // sendtext: quote, backslash, controls (NUL included) escaped; DEL, valid and invalid UTF-8 raw
    let { body } = await run('websocket_sendtext', 'text c\xff"\\\x01 a\xff"\\\n\x1f\x7f\xc3\xa9\xe2\x80\xa8<&>\xed\xa0\x80\x00\xc0\x80\xe2\x82');
    same(body, raw('{"connectionId":"c\xff\\"\\\\\\u0001","message":"a\xff\\"\\\\\\u000a\\u001f\x7f\xc3\xa9\xe2\x80\xa8<&>\xed\xa0\x80\\u0000\xc0\x80\xe2\x82"}'), 'sendtext');
    assert.deepEqual(unmarshalStruct(body, SEND_TEXT), {
      connectionId: 'c\ufffd"\\\x01',
      message: 'a\ufffd"\\\n\x1f\x7fé\u2028<&>\ufffd\ufffd\ufffd\x00\ufffd\ufffd\ufffd\ufffd',
    });

    // every byte value, as the connection id (all but space and NUL) and as the message
    ({ body } = await run('websocket_sendtext', `text ${NO_SPACE_NUL.toString('latin1')} ${ALL.toString('latin1')}`));
    same(body, Buffer.concat([raw('{"connectionId":"'), written(NO_SPACE_NUL), raw('","message":"'), written(ALL), raw('"}')]), 'sendtext, all bytes');
    assert.deepEqual(unmarshalStruct(body, SEND_TEXT), { connectionId: goText(NO_SPACE_NUL), message: goText(ALL) });

    // closeconnection: the code in decimal, the reason escaped like any string
    ({ body } = await run('websocket_closeconnection', `close \xfe 4000 bye\xff "now"\t\xc3`));
    same(body, raw('{"connectionId":"\xfe","code":4000,"reason":"bye\xff \\"now\\"\\u0009\xc3"}'), 'closeconnection');
    assert.deepEqual(unmarshalStruct(body, CLOSE), { connectionId: '\ufffd', code: 4000, reason: 'bye\ufffd "now"\t\ufffd' });
    ({ body } = await run('websocket_closeconnection', `close c -1 ${NO_SPACE_NUL.toString('latin1')}`));
    same(body, Buffer.concat([raw('{"connectionId":"c","code":-1,"reason":"'), written(NO_SPACE_NUL), raw('"}')]), 'closeconnection, all bytes');

    // connect: url and id escaped, headers null; the id the host answers may hold raw bytes too
    response = raw('{"newConnectionId":"n\xff\\u0041"}');
    const connected = await run('websocket_connect', 'connect ws://h\xff/"\\\x7f\xc3 i\xe2\x82');
    same(connected.body, raw('{"connectionId":"i\xe2\x82","url":"ws://h\xff/\\"\\\\\x7f\xc3","headers":null}'), 'connect');
    assert.deepEqual(connected.r.lines, ['connected n\ufffdA']); // the log line is read as UTF-8
    assert.deepEqual(unmarshalStruct(connected.body, CONNECT), { url: 'ws://h\ufffd/"\\\x7f\ufffd', headers: null, connectionId: 'i\ufffd\ufffd' });

    // A host error holding raw bytes (not what Go sends, but what nd_ws must cope with) becomes the
    // handler error as it is, and the {"error":...} output escapes it like any other string.
    response = raw('{"error":"no \xff\xc0\x80 \\"x\\" \\u0001 \\ud800 \xe2\x82"}');
    const message = raw('nd_ws: nd_websocket_on_text_message: no \xff\xc0\x80 "x" \x01 \xef\xbf\xbd \xe2\x82');
    const failed = await run('websocket_sendtext', 'text c hi', true);
    assert.equal(failed.r.error, message.toString('utf8')); // both runtimes read error_set as UTF-8
    if (runtime === 'strict') {
      same(failed.r.output, raw('{"error":"nd_ws: nd_websocket_on_text_message: no \xff\xc0\x80 \\"x\\" \\u0001 \xef\xbf\xbd \xe2\x82"}'), 'error output');
    }
  });
}

'use strict';
// nd_ws.h decoding callback inputs, through build/probe.wasm and build/minimal.wasm (CONTRACT.md).
const test = require('node:test');
const assert = require('node:assert/strict');
const { NdHost, ON_TEXT, ON_BINARY, ON_ERROR, ON_CLOSE } = require('../nd-host');
const { callbackInput } = require('../gojson');
const { RUNTIMES, artifact, hex } = require('../testkit');

// Calls an export and returns the result plus the plugin log lines it produced.
async function run(host, name, input) {
  const before = host.logs.length;
  const r = await host.call(name, Buffer.from(input));
  const lines = host.logs.slice(before).filter((e) => e.msg === 'plugin log').map((e) => e.text);
  return { r, lines };
}

function assertSuccess(runtime, { r }, label) {
  assert.equal(r.error, null, `${label}: ${r.error}`);
  assert.equal(r.trap, null, `${label}: ${r.trap}`);
  assert.deepEqual(r.violations, [], label);
  if (runtime === 'strict') assert.equal(r.rc, 0, label);
  assert.equal(r.output?.toString(), '{"error":null}', label);
}

// A failure per CONTRACT.md: error_set("nd_ws: <export>: <detail>"), the same text as JSON output, rc 1.
function assertFailure(runtime, { r }, name, label, detail) {
  assert.equal(r.ok, false, `${label}: expected a failure`);
  assert.equal(r.trap, null, `${label}: ${r.trap}`);
  assert.deepEqual(r.violations, [], label);
  assert.ok(r.error?.startsWith(`nd_ws: ${name}: `), `${label}: error ${JSON.stringify(r.error)} lacks the "nd_ws: ${name}: " prefix`);
  if (detail !== undefined) assert.equal(r.error, `nd_ws: ${name}: ${detail}`, label);
  // The JS SDK throws on error_set, so the output is only visible in the strict runtime.
  if (runtime === 'strict') {
    assert.equal(r.rc, 1, label);
    assert.deepEqual(JSON.parse(r.output.toString()), { error: r.error }, `${label}: output`);
  }
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const TRICKY = '<a&b> \u2028\u2029 \u0000\u0001\u001f\u007f \n\r\t\b\f "quoted" \\ / é ✓ 😀';

// [export, input (as Go writes it), expected probe line]
const VALID = [
  [ON_TEXT, callbackInput.text('c1', 'hi'), `text ${hex('c1')} ${hex('hi')}`],
  [ON_TEXT, callbackInput.text('c1', TRICKY), `text ${hex('c1')} ${hex(TRICKY)}`],
  [ON_TEXT, callbackInput.text('', ''), 'text - -'],
  [ON_TEXT, callbackInput.text('id <&>', 'x'), `text ${hex('id <&>')} 78`],
  // a frame holding invalid UTF-8: Go writes \ufffd for the bad byte, so that is what nd_ws sees
  [ON_TEXT, callbackInput.text('c', Buffer.from([0x61, 0xff, 0x62])), `text 63 ${hex('a\ufffdb')}`],
  [ON_TEXT, callbackInput.text('c', 'x'.repeat(70000)), `text 63 ${hex('x'.repeat(70000))}`],
  [ON_TEXT, '{"connectionId":"c","message":"\\ud83d\\ude00 \\u00e9 \\u0041"}', `text 63 ${hex('😀 é A')}`],
  [ON_TEXT, '{"connectionId":"c","future":{"a":[1,2.5e3,{"b":null}],"s":"}\\""},"message":"m","n":null,"t":true}', 'text 63 6d'],
  // Not what Go writes today, but valid JSON for the same struct: member order and whitespace.
  [ON_TEXT, '{"message":"m","connectionId":"c"}', 'text 63 6d'],
  [ON_TEXT, ' { "connectionId" : "c" ,\n\t"message" : "m" } ', 'text 63 6d'],
  // Not what Go writes either (it sends valid UTF-8): raw bytes from 0x80 up inside strings are not
  // validated but passed through as they are, invalid UTF-8 included, in keys too.
  [ON_TEXT, Buffer.from('{"connectionId":"c\xff","message":"a\xc3\xe2\x82\xed\xa0\x80\xc0\x80b"}', 'latin1'), 'text 63ff 61c3e282eda080c08062'],
  [ON_TEXT, Buffer.from('{"connectionId":"c","message":"\\ud83d\xff\\ude00\xc3\\u00a9\xe2\\""}', 'latin1'), 'text 63 efbfbdffefbfbdc3c2a9e222'],
  [ON_ERROR, Buffer.from('{"connectionId":"c","\xff":"\xfe","error":"\xc0\x80"}', 'latin1'), 'error 63 c080'],
  [ON_CLOSE, Buffer.from('{"connectionId":"c","code":1000,"reason":"\xfe\xff"}', 'latin1'), 'close 63 1000 feff'],
  [ON_BINARY, callbackInput.binary('c1', ALL_BYTES), `binary ${hex('c1')} ${ALL_BYTES.toString('hex')}`],
  [ON_BINARY, callbackInput.binary('c1', Buffer.from([0xfb])), 'binary 6331 fb'],
  [ON_BINARY, callbackInput.binary('c1', Buffer.from([0xfb, 0xff])), 'binary 6331 fbff'],
  [ON_BINARY, callbackInput.binary('c1', Buffer.alloc(0)), 'binary 6331 -'],
  [ON_BINARY, callbackInput.binary('c1', null), 'binary 6331 -'],
  [ON_ERROR, callbackInput.error('c1', 'websocket: close 1006 (abnormal closure): unexpected EOF'), `error 6331 ${hex('websocket: close 1006 (abnormal closure): unexpected EOF')}`],
  [ON_ERROR, callbackInput.error('c1', ''), 'error 6331 -'],
  [ON_CLOSE, callbackInput.close('c1', 1000, ''), 'close 6331 1000 -'],
  [ON_CLOSE, callbackInput.close('c1', 1005, ''), 'close 6331 1005 -'],
  [ON_CLOSE, callbackInput.close('c1', 4004, 'gone <away>'), `close 6331 4004 ${hex('gone <away>')}`],
  [ON_CLOSE, callbackInput.close('c1', -1, 'x'), 'close 6331 -1 78'],
  [ON_CLOSE, callbackInput.close('c1', 2147483647, 'x'), 'close 6331 2147483647 78'],
];

// [export, input, label, detail (the exact error after "nd_ws: <export>: ", when given)]: none of
// these can come from Go's json.Marshal of the right struct.
const INVALID = [
  [ON_TEXT, '', 'empty input'],
  [ON_TEXT, 'not json', 'not JSON'],
  [ON_TEXT, '{"connectionId":"c","message":"x"', 'truncated object'],
  [ON_TEXT, '{"connectionId":"c","message":"x', 'truncated string'],
  [ON_TEXT, '{"connectionId":"c","message":"\\x"}', 'bad escape'],
  [ON_TEXT, '{"connectionId":"c","message":"\\u12"}', 'short \\u escape'],
  [ON_TEXT, '{"connectionId":"c","message":"a\nb"}', 'raw control character in a string'],
  [ON_TEXT, '{"connectionId":"c" "message":"x"}', 'missing comma'],
  [ON_TEXT, '[]', 'array instead of object'],
  [ON_TEXT, 'null', 'null instead of object'],
  [ON_TEXT, '{"connectionId":1,"message":"x"}', 'number for a string'],
  [ON_TEXT, '{"connectionId":"c","message":["x"]}', 'array for a string'],
  [ON_TEXT, '{"connectionId":"c"}', 'missing message'],
  [ON_TEXT, '{"message":"x"}', 'missing connectionId'],
  [ON_BINARY, '{"connectionId":"c"}', 'missing data'],
  [ON_BINARY, '{"connectionId":"c","data":"AAE"}', 'unpadded base64'],
  [ON_BINARY, '{"connectionId":"c","data":"A@=="}', 'base64 with a bad character'],
  [ON_BINARY, '{"connectionId":"c","data":"A==="}', 'too much base64 padding'],
  [ON_BINARY, '{"connectionId":"c","data":12}', 'number for data'],
  [ON_ERROR, '{"connectionId":"c"}', 'missing error'],
  [ON_ERROR, '{"connectionId":"c","error":false}', 'bool for error'],
  [ON_CLOSE, '{"connectionId":"c","reason":""}', 'missing code'],
  [ON_CLOSE, '{"connectionId":"c","code":1000}', 'missing reason'],
  [ON_CLOSE, '{"connectionId":"c","code":"1000","reason":""}', 'string for code'],
  [ON_CLOSE, '{"connectionId":"c","code":1000.5,"reason":""}', 'fractional code'],
  [ON_CLOSE, '{"connectionId":"c","code":2147483648,"reason":""}', 'code beyond int32'],
  // a leading zero fails at the second digit
  [ON_TEXT, '{"connectionId":"c","message":"m","x":01}', 'leading zero', 'invalid JSON: invalid number at byte 39'],
  [ON_TEXT, '{"connectionId":"c","message":"m","x":-01}', 'negative leading zero', 'invalid JSON: invalid number at byte 40'],
  [ON_TEXT, '{"connectionId":"c","message":"m","x":[00]}', 'double zero', 'invalid JSON: invalid number at byte 40'],
  // bytes from 0x80 up are only taken inside strings
  [ON_TEXT, Buffer.from('\xef\xbb\xbf{"connectionId":"c","message":"m"}', 'latin1'), 'byte order mark', 'invalid JSON: unexpected character at byte 0'],
  [ON_TEXT, Buffer.from('{"connectionId":"c","message":"m"}\xff', 'latin1'), 'raw byte after the input', 'invalid JSON: unexpected character at byte 34'],
  [ON_TEXT, Buffer.from('{"connectionId":"c","message":"m","x":1\xc3\xa9}', 'latin1'), 'raw bytes after a number', 'invalid JSON: unexpected character at byte 39'],
  [ON_TEXT, Buffer.from('{"connectionId":"c","message":"\\\xc3\xa9"}', 'latin1'), 'raw bytes as an escape', 'invalid JSON: invalid escape at byte 32'],
  [ON_TEXT, Buffer.from('{"connectionId":"c","message":"\xc3', 'latin1'), 'truncated after a raw lead byte', 'invalid JSON: unexpected end of input at byte 32'],
];

for (const runtime of RUNTIMES) {
  test(`probe.wasm decodes what Go writes (${runtime})`, async (t) => {
    const host = await NdHost.load(artifact('probe.wasm'), { runtime });
    t.after(() => host.close());
    for (const [name, input, line] of VALID) {
      const label = `${name} ${String(input).slice(0, 80)}`;
      const res = await run(host, name, input);
      assertSuccess(runtime, res, label);
      assert.deepEqual(res.lines, [line], label);
    }
  });

  test(`probe.wasm: handler errors are reported per CONTRACT.md (${runtime})`, async (t) => {
    const host = await NdHost.load(artifact('probe.wasm'), { runtime });
    t.after(() => host.close());
    const inputs = {
      [ON_TEXT]: callbackInput.text('c', 'fail'),
      [ON_ERROR]: callbackInput.error('c', 'fail'),
      [ON_CLOSE]: callbackInput.close('c', 1000, 'fail'),
    };
    for (const [name, input] of Object.entries(inputs)) {
      const res = await run(host, name, input);
      assertFailure(runtime, res, name, `${name} "fail"`, 'asked to fail');
    }
  });

  test(`probe.wasm rejects malformed input with an nd_ws error (${runtime})`, async (t) => {
    const host = await NdHost.load(artifact('probe.wasm'), { runtime });
    t.after(() => host.close());
    for (const [name, input, label, detail] of INVALID) {
      const res = await run(host, name, input);
      assertFailure(runtime, res, name, `${name}: ${label}`, detail);
      assert.deepEqual(res.lines, [], `${name}: ${label}: the handler must not run`);
    }
  });

  test(`minimal.wasm: on_text_message only, stubs elsewhere (${runtime})`, async (t) => {
    const host = await NdHost.load(artifact('minimal.wasm'), { runtime });
    t.after(() => host.close());
    assertSuccess(runtime, await run(host, ON_TEXT, callbackInput.text('c', 'hello')), 'text');
    assertFailure(runtime, await run(host, ON_TEXT, callbackInput.text('c', '')), ON_TEXT, 'empty text', 'empty message');
    for (const [name, input] of [[ON_BINARY, callbackInput.binary('c', Buffer.from('x'))], [ON_ERROR, callbackInput.error('c', 'e')], [ON_CLOSE, callbackInput.close('c', 1000, '')]]) {
      const { r } = await run(host, name, input);
      assert.ok(r.ok, `${name} stub: ${r.error ?? r.trap}`);
      assert.equal(r.output, null, `${name} stub output`);
      if (runtime === 'strict') assert.equal(r.rc, 0);
    }
  });
}

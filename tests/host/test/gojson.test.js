'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { marshal, callbackInput, unmarshalStruct, GoString, goText } = require('../gojson');

const s = (v) => marshal(v).toString('utf8');

// Expected strings are what Go 1.22+ json.Marshal prints for the same values.
test('strings are escaped like Go (HTML-safe, U+2028/9, controls)', () => {
  assert.equal(s('<a&b>'), '"\\u003ca\\u0026b\\u003e"');
  assert.equal(s('\x00'), '"\\u0000"');
  assert.equal(s('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(s('\x1f\x7f'), '"\\u001f\x7f"'); // DEL is not escaped
  assert.equal(s('\n\r\t\b\f'), '"\\n\\r\\t\\b\\f"');
  assert.equal(s('"\\/'), '"\\"\\\\/"'); // '/' is not escaped
  assert.equal(s('é😀✓'), '"é😀✓"'); // raw UTF-8
  assert.equal(s(''), '""');
});

test('invalid UTF-8 becomes one \\ufffd per invalid byte', () => {
  assert.equal(s(new GoString(Buffer.from([0x61, 0xff, 0x62]))), '"a\\ufffdb"');
  // a truncated 3-byte sequence is two invalid bytes for Go (one U+FFFD for WHATWG decoders)
  assert.equal(s(new GoString(Buffer.from([0xe2, 0x82]))), '"\\ufffd\\ufffd"');
  // an encoded surrogate is three invalid bytes
  assert.equal(s(new GoString(Buffer.from([0xed, 0xa0, 0x80]))), '"\\ufffd\\ufffd\\ufffd"');
  // overlong encodings are invalid
  assert.equal(s(new GoString(Buffer.from([0xc0, 0xaf]))), '"\\ufffd\\ufffd"');
  // a valid U+FFFD stays raw
  assert.equal(s(new GoString(Buffer.from('\ufffd'))), '"\ufffd"');
  assert.equal(goText(Buffer.from([0xe2, 0x82, 0x41])), '\ufffd\ufffdA');
});

test('[]byte is standard padded base64, nil is null', () => {
  assert.equal(s(Buffer.from([0xfb, 0xff])), '"+/8="');
  assert.equal(s(Buffer.alloc(0)), '""');
  assert.equal(s(null), 'null');
});

test('the four callback inputs, fields in Go struct order', () => {
  assert.equal(callbackInput.text('c1', 'hi <b>').toString(), '{"connectionId":"c1","message":"hi \\u003cb\\u003e"}');
  assert.equal(callbackInput.binary('c1', Buffer.from([0, 1, 2])).toString(), '{"connectionId":"c1","data":"AAEC"}');
  assert.equal(callbackInput.binary('c1', null).toString(), '{"connectionId":"c1","data":null}');
  assert.equal(callbackInput.error('c1', 'websocket: close 1006 (abnormal closure): unexpected EOF').toString(), '{"connectionId":"c1","error":"websocket: close 1006 (abnormal closure): unexpected EOF"}');
  assert.equal(callbackInput.close('c1', 1000, '').toString(), '{"connectionId":"c1","code":1000,"reason":""}');
  assert.equal(callbackInput.text('c', Buffer.from([0x68, 0xff])).toString(), '{"connectionId":"c","message":"h\\ufffd"}');
});

const SEND = { typeName: 'WebSocketSendBinaryRequest', fields: { connectionId: 'string', data: 'bytes' } };
const CLOSE = { typeName: 'WebSocketCloseConnectionRequest', fields: { connectionId: 'string', code: 'int32', reason: 'string' } };

test('requests decode like json.Unmarshal', () => {
  const d = (text, schema) => unmarshalStruct(Buffer.from(text), schema);
  assert.deepEqual(d('{"CONNECTIONID":"x","data":"AAE=","extra":{"a":[1]}}', SEND), { connectionId: 'x', data: Buffer.from([0, 1]) });
  assert.deepEqual(d('{"connectionId":null,"data":null}', SEND), { connectionId: '', data: null });
  assert.deepEqual(d('null', SEND), { connectionId: '', data: null });
  assert.throws(() => d('{"connectionId":1}', SEND), /cannot unmarshal number into Go struct field WebSocketSendBinaryRequest.connectionId of type string/);
  assert.throws(() => d('{"data":"AAE"}', SEND), /illegal base64 data at input byte 3/);
  assert.throws(() => d('{"code":1.5}', CLOSE), /cannot unmarshal number 1.5 into Go struct field WebSocketCloseConnectionRequest.code of type int32/);
  assert.throws(() => d('{"code":2147483648}', CLOSE), /of type int32/);
  assert.throws(() => d('[]', CLOSE), /cannot unmarshal array into Go value/);
  assert.throws(() => d('', CLOSE), /unexpected end of JSON input/);
  assert.throws(() => d('{"code":', CLOSE), /unexpected end of JSON input|invalid character/);
});

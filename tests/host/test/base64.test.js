'use strict';
// base64 in nd_websocket_on_binary_message (build/probe.wasm): the RFC 4648 section 10 vectors,
// every rejection rule of strict padded standard base64 (length, alphabet, '=' placement, non-zero
// pad bits), and differential tests against Node's Buffer: canonical input of random lengths
// 0..300 decodes to the same bytes; mutated input is accepted exactly when it is still the one
// canonical encoding of its bytes (a Buffer round trip gives it back unchanged).
// ND_WS_SEED=n replays another seed (printed in the test names).
const test = require('node:test');
const assert = require('node:assert/strict');
const { RUNTIMES, artifact } = require('../testkit');
const { EXPORTS, strictBase64, hexOf, rng, mix, seedFromEnv, probeHost, problem, show, assertNone } = require('../reference');

const SEED = seedFromEnv(4648);
const NAME = EXPORTS.binary;
// `data` is JSON text (a quoted string, or null), placed as Go places it.
const input = (data) => Buffer.from(`{"connectionId":"c","data":${data}}`);
const ok = (bytes) => ({ line: `binary 63 ${hexOf(bytes)}` });
const bad = (n) => ({ reject: new RegExp(`: field "data": invalid base64 at character ${n}$`) });

// RFC 4648 section 10, plus null (Go's nil slice) and escapes JSON allows inside the string.
const VECTORS = [
  ['""', ''], ['"Zg=="', 'f'], ['"Zm8="', 'fo'], ['"Zm9v"', 'foo'], ['"Zm9vYg=="', 'foob'],
  ['"Zm9vYmE="', 'fooba'], ['"Zm9vYmFy"', 'foobar'], ['null', ''],
  ['"Zm9v\\u0059g=="', 'foob'], ['"Zm9vYg\\u003d\\u003D"', 'foob'], ['"\\/w=="', Buffer.from([0xff])],
  ['"+/+/"', Buffer.from([0xfb, 0xff, 0xbf])], ['"AAAA"', Buffer.alloc(3)], ['"////"', Buffer.from([0xff, 0xff, 0xff])],
];

// [data JSON, the character nd_ws must name, rule]
const REJECTIONS = [
  // length: not a multiple of 4 (the character named is the missing one)
  ['"Z"', 1, 'length'], ['"Zg"', 2, 'length'], ['"Zg="', 3, 'length'], ['"Zm9vY"', 5, 'length'], ['"Zm9vYg"', 6, 'length'],
  ['"Zm9vYg="', 7, 'length'], ['"Zm9vYmFy="', 9, 'length'], ['"Zm9vYmFy=="', 10, 'length'],
  // alphabet: URL-safe characters, whitespace, other ASCII, NUL, non-ASCII
  ['"Zm9v-w=="', 4, 'alphabet'], ['"Zm9v_w=="', 4, 'alphabet'], ['"Zm9v w=="', 4, 'alphabet'], ['"Zm9\\nYg=="', 3, 'alphabet'],
  ['"Zm9\\rYg=="', 3, 'alphabet'], ['"Zm9\\tYg=="', 3, 'alphabet'], ['"Zm9v.mFy"', 4, 'alphabet'], ['"Zm9v!mFy"', 4, 'alphabet'],
  ['"Zm9v*mFy"', 4, 'alphabet'], ['"\\u0000m9v"', 0, 'alphabet'], ['"Zm9\\u0000"', 3, 'alphabet'], ['"Zm\\u00e9"', 2, 'alphabet'],
  ['"Zm9v\\"mFy"', 4, 'alphabet'], ['"Zm9v\\\\mFy"', 4, 'alphabet'], ['"Zm9v:mFy"', 4, 'alphabet'], ['"Zm9v@mFy"', 4, 'alphabet'],
  ['"Zm9v[mFy"', 4, 'alphabet'], ['"Zm9v`mFy"', 4, 'alphabet'], ['"Zm9v{mFy"', 4, 'alphabet'], ['"Zm9v\\u007fmFy"', 4, 'alphabet'],
  ['"\\ud83d\\ude00"', 0, 'alphabet'],
  // '=' placement: only the last one or two characters may be '='
  ['"=AAA"', 0, 'padding'], ['"A=AA"', 1, 'padding'], ['"AA=A"', 2, 'padding'], ['"===="', 0, 'padding'], ['"Z==="', 1, 'padding'],
  ['"Zg==Zg=="', 2, 'padding'], ['"Zm8=Zm8="', 3, 'padding'], ['"Zm9v=AAA"', 4, 'padding'], ['"Zm9vYg=A"', 6, 'padding'],
  ['"Zm9vY==="', 5, 'padding'],
  // pad bits: the bits the last character carries beyond the data must be zero
  ['"Zh=="', 1, 'pad bits'], ['"Zm9="', 2, 'pad bits'], ['"Zm9vZh=="', 5, 'pad bits'], ['"Zm9vYmF="', 6, 'pad bits'],
  ['"AB=="', 1, 'pad bits'], ['"AAB="', 2, 'pad bits'], ['"//=="', 1, 'pad bits'], ['"//9="', 2, 'pad bits'],
];

test('base64 cases agree with the reference (strict: a Buffer round trip)', () => {
  for (const [data, bytes] of VECTORS) {
    if (data === 'null') continue;
    assert.deepEqual(strictBase64(JSON.parse(data)), Buffer.from(bytes), data);
  }
  for (const [data, , rule] of REJECTIONS) assert.equal(strictBase64(JSON.parse(data)), null, `${data} (${rule})`);
});

for (const runtime of RUNTIMES) {
  test(`base64: RFC 4648 vectors and every rejection rule (${runtime})`, async () => {
    const { call } = await probeHost(runtime, artifact('probe.wasm'));
    const problems = [];
    for (const [data, bytes] of VECTORS) {
      const p = problem(runtime, NAME, input(data), await call(NAME, input(data)), ok(Buffer.from(bytes)));
      if (p) problems.push(`${data}: ${p}`);
    }
    for (const [data, n, rule] of REJECTIONS) {
      const p = problem(runtime, NAME, input(data), await call(NAME, input(data)), bad(n));
      if (p) problems.push(`${data} (${rule}): ${p}`);
    }
    assertNone(problems, 'base64 case(s) failed');
  });
}

test(`base64: canonical input of random lengths 0..300 decodes like Buffer (seed ${SEED})`, async () => {
  const { callSync } = await probeHost('strict', artifact('probe.wasm'), { fresh: false });
  const problems = [];
  let count = 0;
  for (let len = 0; len <= 300; len++) {
    for (let k = 0; k < 10; k++) {
      const r = rng(mix(SEED, len * 16 + k));
      const bytes = k === 0 ? Buffer.alloc(len, 0) : k === 1 ? Buffer.alloc(len, 0xff) : r.bytes(len);
      const data = JSON.stringify(bytes.toString('base64'));
      const p = problem('strict', NAME, input(data), callSync(NAME, input(data)), ok(bytes));
      count++;
      if (p) problems.push(`length ${len} #${k}: ${p}; data ${show(data)}`);
    }
  }
  assert.equal(count, 3010);
  assertNone(problems, `of ${count} canonical string(s) decoded differently from Buffer`);
});

const NOISE = [...'=+/-_ .!A/Q0z9'].concat(['\n', '\u0000', 'é', '"', '\\']);
test(`base64: mutated input is accepted exactly when canonical (seed ${SEED})`, async () => {
  const { callSync } = await probeHost('strict', artifact('probe.wasm'), { fresh: false });
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const problems = [];
  const stats = { accepted: 0, rejected: 0 };
  for (let i = 0; i < 20000; i++) {
    const r = rng(mix(SEED ^ 0xb64, i));
    let s = r.bytes(r.int(40)).toString('base64');
    for (let m = r.range(1, 2); m > 0; m--) {
      const at = r.int(s.length + 1);
      const ch = r.chance(0.6) ? ALPHABET[r.int(64)] : r.pick(NOISE);
      switch (r.int(4)) {
        case 0: s = s.slice(0, at) + ch + s.slice(at + 1); break; // replace (at the end: append)
        case 1: s = s.slice(0, at) + ch + s.slice(at); break; // insert
        case 2: s = s.slice(0, at) + s.slice(at + 1); break; // delete
        default: { // change the last data character: pad bits
          const last = s.replace(/=+$/, '').length - 1;
          if (last >= 0) s = s.slice(0, last) + ALPHABET[r.int(64)] + s.slice(last + 1);
        }
      }
    }
    const bytes = strictBase64(s);
    const data = JSON.stringify(s);
    const want = bytes ? ok(bytes) : { reject: /: field "data": invalid base64 at character \d+$/ };
    const p = problem('strict', NAME, input(data), callSync(NAME, input(data)), want);
    if (bytes) stats.accepted++;
    else stats.rejected++;
    if (p) problems.push(`#${i} ${bytes ? 'canonical' : 'not canonical'}: ${p}; data ${show(data)}`);
  }
  assert.ok(stats.accepted > 1000 && stats.rejected > 1000, `unbalanced: ${JSON.stringify(stats)}`);
  assertNone(problems, 'mutated string(s) judged differently from the reference');
});

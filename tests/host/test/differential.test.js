'use strict';
// Differential test: generated callback inputs, decoded by nd_ws (build/probe.wasm's hex log, in
// the strict kernel, one reused instance) and by the reference (reference.js parseJson: JSON.parse
// with raw bytes from 0x80 up passed through inside strings, Go's lone surrogate -> U+FFFD rule,
// last duplicate key wins, strict base64 via a Buffer round trip), compared byte for byte.
//
// ND_WS_SEED=n        another seed (the default is fixed; the seed is in the test's name)
// ND_WS_DIFF_COUNT=n  how many inputs (default 100,000)
// ND_WS_DIFF_INDEX=i  only input i (replay one failure)
//
// 90% of the inputs are what a Go host could write plus what a future one might (unknown members
// holding any JSON, any member order, whitespace, duplicates) plus raw invalid UTF-8 inside
// strings, which nd_ws takes as it is; they must decode exactly as the reference says. 10% are
// those inputs with one byte replaced, inserted or deleted: nd_ws must then agree with the
// reference on the verdict (invalid JSON / wrong field / accepted, and what).
const test = require('node:test');
const assert = require('node:assert/strict');
const { isUtf8 } = require('node:buffer');
const { artifact } = require('../testkit');
const { parseJson, expectedLine, hexOf, EXPORTS, rng, mix, seedFromEnv, probeHost, problem, show, assertNone } = require('../reference');

const SEED = seedFromEnv(20260412);
const COUNT = process.env.ND_WS_DIFF_COUNT ? Number(process.env.ND_WS_DIFF_COUNT) : 100000;
const ONLY = process.env.ND_WS_DIFF_INDEX ? Number(process.env.ND_WS_DIFF_INDEX) : null;
const MUTATED_SHARE = 0.1;

// ---- Generator ------------------------------------------------------------------------------

const SHORT_ESCAPES = ['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t'];
const SPECIAL_CHARS = ['é', '€', '😀', '𝄞', '\u2028', '\u2029', '\ufeff', '\ufffd', '\uffff', '\ufffe', '\u{10ffff}', '\u0080', '\u07ff', '\u0800', '日', '\u00a0', '\x7f'];
const FIELD_NAMES = ['connectionId', 'message', 'data', 'error', 'reason', 'code'];

const hex4 = (r, n) => [...n.toString(16).padStart(4, '0')].map((ch) => (r.chance(0.5) ? ch.toUpperCase() : ch)).join('');
const u = (r, n) => `\\u${hex4(r, n)}`;

// A random Unicode scalar value, as a raw character.
function rawChar(r) {
  switch (r.int(4)) {
    case 0: return r.pick(SPECIAL_CHARS);
    case 1: return String.fromCodePoint(r.range(0x80, 0x7ff));
    case 2: {
      let c;
      do c = r.range(0x800, 0xffff); while (c >= 0xd800 && c < 0xe000);
      return String.fromCodePoint(c);
    }
    default: return String.fromCodePoint(r.range(0x10000, 0x10ffff));
  }
}

// Raw bytes from 0x80 up that are not valid UTF-8 (or not on their own): stray continuation
// bytes, overlong forms, encoded surrogates, beyond U+10FFFF, truncated sequences, never-valid bytes.
const INVALID_UTF8 = [[0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xc3], [0xe2, 0x82], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf], [0xf0, 0x9f, 0x98], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff]];

// The generated JSON text is a JS string in which a lone surrogate U+DC80..U+DCFF stands for the
// raw byte 0x80..0xFF (Python's "surrogateescape"); nothing else in it is a lone surrogate
// (escapes are ASCII text, rawChar makes scalar values). bytesOf() turns the text into the input
// bytes.
const rawBytes = (bytes) => String.fromCharCode(...bytes.map((b) => 0xdc00 + b));
const RAW_BYTE = /([\udc80-\udcff])/u; // with /u, the low half of a valid pair never matches
function bytesOf(text) {
  if (!RAW_BYTE.test(text)) return Buffer.from(text);
  return Buffer.concat(text.split(RAW_BYTE).map((part, k) => (k % 2 ? Buffer.from([part.charCodeAt(0) - 0xdc00]) : Buffer.from(part))));
}

// One piece of string content, as JSON text.
function piece(r, noRun) {
  switch (!noRun && r.chance(0.03) ? 12 : r.int(12)) {
    case 0: case 1: case 2: { // printable ASCII, no '"' or '\'
      let s = '';
      for (let n = r.range(1, 8); n > 0; n--) {
        let c;
        do c = r.range(0x20, 0x7e); while (c === 0x22 || c === 0x5c);
        s += String.fromCharCode(c);
      }
      return s;
    }
    case 3: return rawChar(r);
    case 4: return r.pick(SHORT_ESCAPES);
    case 5: return u(r, r.chance(0.3) ? 0 : r.int(0x20)); // controls, \u0000 often
    case 6: { // any BMP non-surrogate, as Go escapes some: < > & U+2028 U+2029
      if (r.chance(0.4)) return u(r, r.pick([0x3c, 0x3e, 0x26, 0x2028, 0x2029, 0x7f, 0xfffd, 0xfeff]));
      let c;
      do c = r.range(0x20, 0xffff); while (c >= 0xd800 && c < 0xe000);
      return u(r, c);
    }
    case 7: { // a surrogate pair
      const c = r.range(0x10000, 0x10ffff) - 0x10000;
      return u(r, 0xd800 + (c >> 10)) + u(r, 0xdc00 + (c & 0x3ff));
    }
    case 8: return u(r, r.range(0xd800, 0xdbff)); // lone high (unless a low one follows by chance)
    case 9: return u(r, r.range(0xdc00, 0xdfff)); // lone low
    case 10: return u(r, r.range(0xd800, 0xdbff)) + r.pick(['x', '\\n', u(r, 0x41), u(r, r.range(0xd800, 0xdbff)), '😀', '"'.slice(1)]);
    case 11: // raw invalid UTF-8 (a third of the time, else a valid raw character), sometimes
      // between the halves of an escaped pair
      if (!r.chance(0.33)) return rawChar(r);
      if (r.chance(0.1)) return u(r, r.range(0xd800, 0xdbff)) + rawBytes(r.pick(INVALID_UTF8)) + u(r, r.range(0xdc00, 0xdfff));
      return rawBytes(r.chance(0.7) ? r.pick(INVALID_UTF8) : [...r.bytes(r.range(1, 4))].map((b) => b | 0x80));
    default: { // a long run
      const unit = r.chance(0.5) ? r.pick(['a', ' ', 'é', '😀', '\\n', '\\u0000', '\\"', u(r, 0x2028), rawBytes([0xff])]) : piece(r, true);
      return unit.repeat(r.range(20, r.chance(0.05) ? 5000 : 200));
    }
  }
}

function jsonString(r) {
  let s = '"';
  const n = r.chance(0.1) ? 0 : r.chance(0.05) ? r.range(20, 80) : r.range(1, 10);
  for (let i = 0; i < n; i++) s += piece(r);
  return `${s}"`;
}

function ws(r) {
  if (r.chance(0.8)) return '';
  let s = '';
  for (let n = r.range(1, 3); n > 0; n--) s += r.pick([' ', '\t', '\n', '\r']);
  return s;
}

function number(r) {
  let s = r.chance(0.3) ? '-' : '';
  s += r.chance(0.2) ? '0' : String(r.range(1, 9)) + Array.from({ length: r.int(r.chance(0.1) ? 30 : 6) }, () => r.int(10)).join('');
  if (r.chance(0.3)) s += `.${Array.from({ length: r.range(1, 8) }, () => r.int(10)).join('')}`;
  if (r.chance(0.2)) s += `${r.pick(['e', 'E'])}${r.pick(['', '+', '-'])}${r.range(0, 400)}`;
  return s;
}

// Any JSON value; nested keys are sometimes the callback's field names (they must not count).
function value(r, depth, plain) {
  switch (r.int(depth >= 4 ? 6 : 8)) {
    case 0: return 'null';
    case 1: return r.pick(['true', 'false']);
    case 2: case 3: return number(r);
    case 4: case 5: return jsonString(r);
    case 6: {
      const items = Array.from({ length: r.int(5) }, () => ws(r) + value(r, depth + 1, plain) + ws(r));
      return `[${items.join(',') || ws(r)}]`;
    }
    default: {
      const members = Array.from({ length: r.int(5) }, () => {
        const key = !plain && r.chance(0.3) ? `"${r.pick(FIELD_NAMES)}"` : jsonString(r);
        return `${ws(r)}${key}${ws(r)}:${ws(r)}${value(r, depth + 1, plain)}${ws(r)}`;
      });
      return `{${members.join(',') || ws(r)}}`;
    }
  }
}

function int32(r) {
  switch (r.int(5)) {
    case 0: return r.pick([1000, 1001, 1005, 1006, 4004, 0, -1, 2147483647, -2147483648, -0]);
    case 1: return r.range(1000, 4999);
    default: return r.range(-2147483648, 2147483647);
  }
}

// A field's value as JSON text; binary data is canonical base64 (or null).
function fieldValue(r, kind, field) {
  if (field === 'code') return String(int32(r));
  if (field === 'data') return r.chance(0.1) ? 'null' : `"${r.bytes(r.chance(0.05) ? r.range(200, 3000) : r.int(60)).toString('base64')}"`;
  return jsonString(r);
}

const KINDS = ['text', 'text', 'text', 'error', 'error', 'close', 'close', 'close', 'binary', 'binary'];
const FIELDS = { text: ['connectionId', 'message'], error: ['connectionId', 'error'], close: ['connectionId', 'code', 'reason'], binary: ['connectionId', 'data'] };

// Input #i: { kind, text, plain }. `plain` inputs (no duplicates, no field names in unknown
// members) are the ones that get mutated, so the reference can judge every mutation.
function generate(i) {
  const r = rng(mix(SEED, i));
  const kind = r.pick(KINDS);
  const plain = r.chance(MUTATED_SHARE * 2);
  const members = [];
  for (const f of FIELDS[kind]) {
    members.push([`"${f}"`, fieldValue(r, kind, f)]);
    if (!plain && r.chance(0.1)) for (let n = r.range(1, 2); n > 0; n--) members.push([`"${f}"`, fieldValue(r, kind, f)]);
  }
  for (let n = r.chance(0.5) ? 0 : r.range(1, 4); n > 0; n--) {
    // unknown top-level keys start with "zz": one mutation can't turn them into a field name
    members.push([`"zz${jsonString(r).slice(1)}`, value(r, 1, plain)]);
  }
  if (r.chance(0.7)) {
    // random order; otherwise Go's order (the fields first, as the struct declares them)
    for (let k = members.length - 1; k > 0; k--) {
      const j = r.int(k + 1);
      [members[k], members[j]] = [members[j], members[k]];
    }
  }
  const body = members.map(([k, v]) => `${ws(r)}${k}${ws(r)}:${ws(r)}${v}${ws(r)}`).join(',');
  const text = `${ws(r)}{${body || ws(r)}}${ws(r)}`;
  const mutate = plain && r.chance(0.5);
  const bytes = bytesOf(text);
  return { kind, bytes: mutate ? mutateBytes(r, bytes) : bytes, mutated: mutate };
}

const INTERESTING = [...'"\\{}[]:,0-e.+ tfn/'].map((c) => c.charCodeAt(0)).concat([0x00, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff]);
function mutateBytes(r, b) {
  const at = r.int(b.length);
  const byte = r.chance(0.7) ? r.pick(INTERESTING) : r.int(256);
  switch (r.int(3)) {
    case 0: return Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at + 1)]);
    case 1: return Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]);
    default: return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
  }
}

// ---- Reference verdict ------------------------------------------------------------------------

// What nd_ws must do with input g, in the terms of reference.js's problem().
function want(g) {
  const p = parseJson(g.bytes);
  if (!p.ok) {
    if (!g.mutated) throw new Error(`the generator wrote invalid JSON (${p.why}): ${show(g.bytes)}`);
    // nd_ws reads the input once: a field error before the syntax error is reported first
    return { reject: /invalid JSON|field "/ };
  }
  const e = expectedLine(g.kind, p.value);
  if (e.reject) return { reject: /missing field "|field "/, why: e.reject };
  // Go refuses a code written as 1e3 or 1000.0 for an int32; JSON.parse can't tell them apart.
  if (g.kind === 'close' && g.mutated) {
    const m = /"code"[ \t\r\n]*:[ \t\r\n]*([^,}\s]*)/.exec(g.bytes.toString('latin1'));
    if (m && !/^-?(0|[1-9][0-9]*)$/.test(m[1])) return { reject: /field "code": /, why: `code written as ${m[1]}` };
  }
  return e;
}

// The reference on inputs whose meaning is known, so a reference that drifts from nd_ws's rules
// (raw bytes in strings as they are, escapes as Go decodes them) fails here, not only as a
// disagreement with nd_ws.
test('the reference: raw bytes pass through in strings, escapes decode as in Go, raw bytes elsewhere are invalid', () => {
  const parse = (text) => parseJson(Buffer.from(text, 'latin1'));
  const strings = [
    ['"a\xffb"', '61ff62'], ['"\xc3\xa9"', 'c3a9'], ['"\xc3"', 'c3'], ['"\xed\xa0\x80"', 'eda080'], ['"\\u00e9"', 'c3a9'],
    ['"\\ud83d\\ude00"', 'f09f9880'], ['"\\ud800"', 'efbfbd'], ['"\\ud83d\xff\\ude00"', 'efbfbdffefbfbd'],
    ['"\xc3\\u00a9"', 'c3c2a9'], ['"\xe2\\""', 'e222'], ['"\\ue000\x80\\ue0ff\xff"', 'ee808080ee83bfff'], ['"\\\\u00e9\xe9"', '5c7530306539e9'],
  ];
  for (const [text, hex] of strings) {
    const p = parse(text);
    assert.ok(p.ok && Buffer.isBuffer(p.value), `${show(Buffer.from(text, 'latin1'))}: ${p.why ?? typeof p.value}`);
    assert.equal(hexOf(p.value), hex, show(Buffer.from(text, 'latin1')));
  }
  // keys with raw bytes: distinct keys stay distinct, the last duplicate wins, no field is named
  const obj = parse('{"connectionId":"\xff","\xff":"a","\xfe":"b","\xff":"c","\\u00ff":"d"}');
  assert.ok(obj.ok);
  assert.deepEqual(Object.values(obj.value).map(hexOf), ['ff', '63', '62', '64']);
  const proto = parse('{"__proto__":"\xff"}');
  assert.ok(proto.ok && Object.hasOwn(proto.value, '__proto__') && hexOf(proto.value.__proto__) === 'ff', 'an own "__proto__" member');
  for (const text of ['\xef\xbb\xbf"a"', '[1\x80]', '\xc2\xa0"a"', '"a"\xff', '{\xff:1}', '"\\\xff"', '"\\u00\xe9"', '"\xc3']) {
    assert.equal(parse(text).ok, false, `${show(Buffer.from(text, 'latin1'))} must be invalid`);
  }
  // An escape in every candidate block but one (CJK, outside the private use area): the raw bytes
  // must still come back as they are. With every block named, the reference refuses to judge.
  const blocks = [];
  for (let c = 0x80; c < 0x10000; c += 0x80) if (c < 0xd800 || c >= 0xe000) blocks.push(c + (c % 0x7f));
  const raw = Buffer.from(Array.from({ length: 0x80 }, (_, i) => 0x80 + i));
  const escapes = (cs) => cs.map((c) => `\\u${c.toString(16).padStart(4, '0')}`).join('');
  const most = blocks.filter((c) => c >> 7 !== 0x4e00 >> 7);
  const p = parseJson(Buffer.concat([Buffer.from(`"${escapes(most)}`), raw, Buffer.from('"')]));
  assert.ok(p.ok);
  assert.ok(p.value.equals(Buffer.concat([Buffer.from(String.fromCharCode(...most)), raw])), 'raw bytes among escapes of all but one block');
  assert.throws(() => parseJson(Buffer.concat([Buffer.from(`"${escapes(blocks)}`), raw, Buffer.from('"')])), /every candidate block/);
});

test(`differential: ${ONLY !== null ? `input #${ONLY}` : `${COUNT} generated inputs`}, seed ${SEED} (ND_WS_SEED=${SEED} to replay)`, async (t) => {
  assert.ok(Number.isInteger(COUNT) && COUNT > 0, 'ND_WS_DIFF_COUNT must be a positive integer');
  const { callSync } = await probeHost('strict', artifact('probe.wasm'), { fresh: false });
  const problems = [];
  const stats = { inputs: 0, bytes: 0, mutated: 0, accepted: 0, rejected: 0, rawInvalid: 0 };
  const started = performance.now();
  let wasmMs = 0;
  const indices = ONLY !== null ? [ONLY] : Array.from({ length: COUNT }, (_, i) => i);
  for (const i of indices) {
    const g = generate(i);
    const w = want(g);
    const name = EXPORTS[g.kind];
    const t0 = performance.now();
    const r = callSync(name, g.bytes);
    wasmMs += performance.now() - t0;
    stats.inputs++;
    stats.bytes += g.bytes.length;
    if (g.mutated) stats.mutated++;
    if (r.ok || w.fail) stats.accepted++;
    else stats.rejected++;
    if ((r.ok || w.fail) && w.line !== undefined && !isUtf8(g.bytes)) stats.rawInvalid++; // decoded and compared despite invalid UTF-8
    const p = problem('strict', name, g.bytes, r, w);
    if (p) problems.push(`input #${i} (${g.kind}${g.mutated ? ', mutated' : ''}${w.why ? `, reference: ${w.why}` : ''}): ${p}; input ${show(g.bytes, 300)}`);
    if (problems.length >= 200) break;
  }
  const total = performance.now() - started;
  const summary = `seed ${SEED}: ${stats.inputs} inputs (${(stats.bytes / 1e6).toFixed(1)} MB, ${stats.mutated} mutated), ` +
    `${stats.accepted} accepted (${stats.rawInvalid} of them holding invalid UTF-8), ${stats.rejected} rejected; ${(total / 1000).toFixed(1)} s in all, ${(wasmMs / 1000).toFixed(1)} s in wasm calls`;
  t.diagnostic(summary);
  assertNone(problems, `of ${stats.inputs} input(s) decoded differently (replay one with ND_WS_SEED=${SEED} ND_WS_DIFF_INDEX=i)`);
  if (ONLY === null && COUNT >= 1000) {
    // both verdicts must really be exercised, and raw invalid UTF-8 decoded often
    assert.ok(stats.rejected > COUNT * 0.02 && stats.accepted > COUNT * 0.8 && stats.rawInvalid > COUNT * 0.1, `unbalanced run: ${summary}`);
  }
});

'use strict';
// The independent reference for the conformance, differential, fuzz corpus, base64 and limits
// tests (test/conformance.test.js, differential.test.js, fuzz-corpus.test.js, base64.test.js,
// limits.test.js): what a callback input means according to JSON.parse and Buffer, plus Go's rules
// and nd_ws's own (raw bytes in strings) where they differ, and a seeded PRNG so generated inputs
// can be replayed. Kept outside test/ so the runner does not run it.

const assert = require('node:assert/strict');
const { Kernel, ExtismPlugin } = require('./kernel');

// JSON text as nd_ws reads it -> { ok: true, value } or { ok: false, why }. RFC 8259 JSON, except
// that bytes from 0x80 up inside strings (keys and values) are not checked as UTF-8: they are
// copied to the decoded string as they are, byte for byte, valid UTF-8 or not (Go only ever sends
// valid UTF-8). Outside strings such a byte is a syntax error, so a leading BOM is refused.
//
// In `value`, every string is a Buffer: the bytes nd_ws decodes it to (raw bytes unchanged,
// escapes as goUtf8 says). Object keys stay JS strings, raw bytes in them as the mapped characters
// described below: only keys naming a callback field matter, and those are ASCII once decoded, so
// the last duplicate of a field still wins.
//
// How: JSON.parse on the bytes read as latin1, after mapping each byte b >= 0x80 to the code point
// BASE + b. BASE is chosen per input so that no \uXXXX escape in it (over-approximated: every "\u"
// followed by 4 hex digits, wherever it is) stands for a code point in BASE+0x80..BASE+0xFF. So in
// the parsed strings a character in that range is a raw byte, and any other came from ASCII or an
// escape. JSON.parse refuses any non-ASCII character outside strings: raw bytes there still make
// the input invalid.
function parseJson(bytes) {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const latin1 = b.toString('latin1');
  const raw = /[\x80-\xff]/.test(latin1);
  const base = raw ? mappingBase(latin1) : null;
  let text = latin1;
  if (raw) {
    const units = new Uint16Array(b.length);
    for (let i = 0; i < b.length; i++) units[i] = b[i] < 0x80 ? b[i] : base + b[i];
    text = Buffer.from(units.buffer).toString('utf16le');
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: e.message };
  }
  return { ok: true, value: withBytes(value, base) };
}

// A parsed value with every string (not key) turned into its bytes.
function withBytes(v, base) {
  if (typeof v === 'string') return stringBytes(v, base);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => withBytes(x, base));
  for (const k of Object.keys(v)) {
    // an own "__proto__" (JSON.parse makes one) must not become the prototype
    if (k === '__proto__') Object.defineProperty(v, k, { value: withBytes(v[k], base), writable: true, enumerable: true, configurable: true });
    else v[k] = withBytes(v[k], base);
  }
  return v;
}

// The candidate ranges BASE+0x80..BASE+0xFF: 128-code-point blocks of the BMP, the private use
// area (U+E000..U+F8FF) first, then every other block above U+007F except the surrogates.
const PUA_BLOCKS = [0xe000 >> 7, 0xf8ff >> 7];
const BASE_BLOCKS = [];
for (let blk = PUA_BLOCKS[0]; blk <= PUA_BLOCKS[1]; blk++) BASE_BLOCKS.push(blk);
for (let blk = 1; blk < 0x10000 >> 7; blk++) if (!(blk >= PUA_BLOCKS[0] && blk <= PUA_BLOCKS[1]) && !(blk >= 0xd800 >> 7 && blk < 0xe000 >> 7)) BASE_BLOCKS.push(blk);

// BASE for a JSON text (as latin1): the first candidate block no \uXXXX escape points into.
function mappingBase(latin1) {
  const used = new Set();
  const scan = (re) => {
    for (const m of latin1.matchAll(re)) used.add(parseInt(m[1], 16) >> 7);
  };
  // Escapes into the private use area start with e or f: while one of its blocks is free, the
  // other escapes need not be looked at.
  scan(/\\u([eEfF][0-9a-fA-F]{3})/g);
  let blk = BASE_BLOCKS.find((b) => !used.has(b));
  if (!(blk >= PUA_BLOCKS[0] && blk <= PUA_BLOCKS[1])) {
    scan(/\\u([0-9a-fA-F]{4})/g);
    blk = BASE_BLOCKS.find((b) => !used.has(b));
  }
  // Only an input escaping a code point in each of ~500 blocks could get here: fail loudly
  // rather than judge it wrongly.
  if (blk === undefined) throw new Error('reference.parseJson: every candidate block is named by an escape; cannot map raw bytes');
  return (blk << 7) - 0x80;
}

// A parsed string (raw bytes mapped to BASE+byte; base null: the input had none) as the bytes
// nd_ws decodes it to.
function stringBytes(s, base) {
  if (base === null) return goUtf8(s);
  const lo = base + 0x80;
  const hi = base + 0xff;
  let parts = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < lo || c > hi) continue;
    parts ??= [];
    // a raw byte between two escaped surrogate halves keeps them apart, as in nd_ws
    if (i > start) parts.push(goUtf8(s.slice(start, i)));
    const raw = [];
    for (; i < s.length && (c = s.charCodeAt(i)) >= lo && c <= hi; i++) raw.push(c - base);
    parts.push(Buffer.from(raw));
    start = i--;
  }
  if (!parts) return goUtf8(s);
  if (start < s.length) parts.push(goUtf8(s.slice(start)));
  return Buffer.concat(parts);
}

// A JS string as the bytes Go's decoder produces for the same JSON string: an escaped surrogate
// pair is one code point, and every surrogate without its partner becomes U+FFFD. (JSON.parse
// keeps lone surrogates in the string; Go replaces them.)
function goUtf8(s) {
  if (!/[\ud800-\udfff]/.test(s)) return Buffer.from(s, 'utf8'); // no surrogate: plain UTF-8
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Buffer.from(out);
}

// probe.wasm's hex (tests/host/CONTRACT.md): lowercase, '-' for nothing.
const hexOf = (bytes) => (bytes.length ? Buffer.from(bytes).toString('hex') : '-');

// Strict RFC 4648 standard base64 with padding: a string is accepted exactly when it is the one
// canonical encoding of its bytes. Node's decoder is lenient (it skips bad characters, ignores
// padding and pad bits), so canonical means "survives a round trip through Buffer unchanged".
function strictBase64(s) {
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : null;
}

const EXPORTS = {
  text: 'nd_websocket_on_text_message',
  binary: 'nd_websocket_on_binary_message',
  error: 'nd_websocket_on_error',
  close: 'nd_websocket_on_close',
};
const VALUE_FIELD = { text: 'message', binary: 'data', error: 'error', close: 'reason' };

// What probe.wasm must log for a callback input of `kind` parsed by parseJson (strings are
// Buffers), or { reject } when Go's encoding/json would refuse the value the input holds (last
// duplicate wins, as in JSON.parse and in Go). `ambiguous` is set when JSON.parse can't tell: an
// integral code written as 1e3 or 1000.0 (Go refuses those for an int32; JSON.parse gives an
// integer).
function expectedLine(kind, obj) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || Buffer.isBuffer(obj)) return { reject: 'not an object' };
  const id = obj.connectionId;
  if (!Object.hasOwn(obj, 'connectionId')) return { reject: 'missing connectionId' };
  if (!Buffer.isBuffer(id)) return { reject: 'connectionId is not a string' };
  const field = VALUE_FIELD[kind];
  if (!Object.hasOwn(obj, field)) return { reject: `missing ${field}` };
  const v = obj[field];
  let value;
  if (kind === 'binary') {
    if (v === null) value = Buffer.alloc(0);
    else if (!Buffer.isBuffer(v) || !(value = strictBase64(v.toString('latin1')))) return { reject: 'data is not canonical base64 or null' };
  } else {
    if (!Buffer.isBuffer(v)) return { reject: `${field} is not a string` };
    value = v;
  }
  let code = '';
  if (kind === 'close') {
    if (!Object.hasOwn(obj, 'code')) return { reject: 'missing code' };
    const c = obj.code;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < -2147483648 || c > 2147483647) return { reject: 'code is not an int32' };
    code = ` ${c === 0 ? 0 : c}`;
  }
  const line = `${kind} ${hexOf(id)}${code} ${hexOf(value)}`;
  // probe.wasm fails a value that is exactly "fail", binary data included (tests/plugins/report.h)
  const fail = value.length === 4 && value.toString('latin1') === 'fail';
  return { line, fail };
}

// mulberry32: small, fast, good enough to generate test inputs; seeded per input so any single
// input can be regenerated from (seed, index).
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n), // 0 .. n-1
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    bytes: (n) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
  return r;
}
const mix = (seed, i) => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;

// The seed of a randomized test: ND_WS_SEED if set (decimal or 0x hex), else the fixed default.
function seedFromEnv(fallback) {
  const s = process.env.ND_WS_SEED;
  if (s === undefined || s === '') return fallback;
  const n = Number(s);
  assert.ok(Number.isInteger(n) && n >= 0 && n <= 0xffffffff, `ND_WS_SEED must be an integer 0..2^32-1, got ${JSON.stringify(s)}`);
  return n;
}

// A host (strict kernel or npm Extism) with the plugin's log lines collected per call.
// call() returns the kernel result plus `lines`: what log_* received during that call.
async function probeHost(runtime, wasm, opts = {}) {
  let lines = [];
  const log = (level, text) => lines.push(text);
  // A compiled WebAssembly.Module (strict only) saves compiling it again: in one Node 20 process,
  // a few hundred WebAssembly.compile calls after tests with large memories can leave the
  // compile promise pending forever (seen in limits.test.js).
  const host = runtime === 'strict'
    ? wasm instanceof WebAssembly.Module ? new Kernel(wasm, { ...opts, log }) : await Kernel.load(wasm, { ...opts, log })
    : await ExtismPlugin.load(wasm, { ...opts, log });
  const call = async (name, input) => {
    lines = [];
    const r = await host.call(name, input);
    r.lines = lines;
    return r;
  };
  // Strict kernel only: no promise per call, for the loops that make 100,000 calls.
  const callSync = (name, input) => {
    lines = [];
    const r = host.callSync(name, input);
    r.lines = lines;
    return r;
  };
  return { host, call, callSync };
}

// Checks a result against the contract (CONTRACT.md); returns a problem (string) or null.
//   want: { line, fail }  the handler must have been called and logged `line`
//   want: { reject: 'json' | 'any' | RegExp }  an nd_ws failure, the handler not called
function problem(runtime, name, input, r, want) {
  if (r.trap) return `trap: ${r.trap}`;
  if (r.violations.length) return `kernel violations: ${r.violations.slice(0, 3).join('; ')}`;
  const prefix = `nd_ws: ${name}: `;
  if (want.line !== undefined) {
    if (r.lines.length !== 1 || r.lines[0] !== want.line) {
      return `logged ${short(JSON.stringify(r.lines))}, want ${short(want.line)}${r.error ? ` (error: ${r.error})` : ''}`;
    }
    if (want.fail) return r.error === `${prefix}asked to fail` ? null : `error ${JSON.stringify(r.error)}, want "${prefix}asked to fail"`;
    if (r.error !== null) return `error: ${r.error}`;
    if (runtime === 'strict' && r.rc !== 0) return `rc ${r.rc}`;
    if (r.output?.toString() !== '{"error":null}') return `output ${short(String(r.output))}`;
    return null;
  }
  if (r.ok) return `accepted (logged ${short(JSON.stringify(r.lines))})${want.why ? `, but the reference says: ${want.why}` : ''}`;
  if (r.lines.length) return `handler called although the call failed: ${short(JSON.stringify(r.lines))}`;
  if (typeof r.error !== 'string' || !r.error.startsWith(prefix)) return `error ${JSON.stringify(r.error)} lacks the prefix "${prefix}"`;
  if (want.reject === 'json') {
    const m = /invalid JSON.* at byte (\d+)$/.exec(r.error);
    if (!m) return `error ${JSON.stringify(r.error)} is not an "invalid JSON ... at byte N" error`;
    if (Number(m[1]) > input.length) return `error ${JSON.stringify(r.error)}: byte ${m[1]} is past the ${input.length}-byte input`;
  } else if (want.reject instanceof RegExp && !want.reject.test(r.error)) {
    return `error ${JSON.stringify(r.error)} does not match ${want.reject}`;
  }
  if (runtime === 'strict') {
    if (r.rc !== 1) return `rc ${r.rc}, want 1`;
    let out;
    try {
      out = JSON.parse(r.output.toString());
    } catch {
      return `output ${short(String(r.output))} is not JSON`;
    }
    if (out?.error !== r.error || Object.keys(out).length !== 1) return `output ${short(r.output.toString())} differs from the error`;
  }
  return null;
}

// Printable form of some input bytes for failure messages.
function show(bytes, max = 160) {
  const b = Buffer.from(bytes);
  const s = JSON.stringify(b.subarray(0, max).toString('latin1')).replace(/[\u0080-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
  return b.length > max ? `${s}... (${b.length} bytes)` : s;
}
const short = (s, max = 200) => (s.length > max ? `${s.slice(0, max)}... (${s.length} chars)` : s);

// Assert that a list of problems is empty, showing the first few.
function assertNone(problems, what) {
  if (problems.length === 0) return;
  const head = problems.slice(0, 25).map((p) => `  - ${p}`).join('\n');
  assert.fail(`${problems.length} ${what}:\n${head}${problems.length > 25 ? `\n  ... and ${problems.length - 25} more` : ''}`);
}

// A copy of a wasm module whose (defined) memory may grow to at most maxPages pages, so that
// memory.grow fails beyond it: what a host memory limit does (the Extism manifest's
// memory.max_pages, wazero's WithMemoryLimitPages). Kernel's own maxPages option can only check
// after a call, so it can't make memory.grow fail.
function withMemoryMax(wasm, maxPages) {
  const b = Buffer.from(wasm);
  const leb = (n) => {
    const out = [];
    do {
      let byte = n & 0x7f;
      n = Math.floor(n / 128);
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    return Buffer.from(out);
  };
  const readLeb = (p) => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++];
      n += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return [n, p];
    }
  };
  const parts = [b.subarray(0, 8)];
  let p = 8;
  let found = false;
  while (p < b.length) {
    const id = b[p];
    const [size, body] = readLeb(p + 1);
    const end = body + size;
    if (id === 5) {
      let [count, q] = readLeb(body);
      assert.equal(count, 1, 'withMemoryMax: one memory expected');
      const flags = b[q++];
      const [min] = readLeb(q);
      assert.ok(!(flags & ~1), 'withMemoryMax: unsupported memory flags');
      assert.ok(maxPages >= min, `withMemoryMax: cap ${maxPages} below the initial ${min} pages`);
      const section = Buffer.concat([leb(1), Buffer.from([1]), leb(min), leb(maxPages)]);
      parts.push(Buffer.from([5]), leb(section.length), section);
      found = true;
    } else {
      parts.push(b.subarray(p, end));
    }
    p = end;
  }
  assert.ok(found, 'withMemoryMax: the module defines no memory');
  return Buffer.concat(parts);
}

// The initial page count of a module's defined memory.
function initialPages(wasm) {
  const m = new WebAssembly.Module(Buffer.from(wasm));
  const inst = new WebAssembly.Instance(m, Object.fromEntries(WebAssembly.Module.imports(m).map((i) => [i.module, new Proxy({}, { get: () => () => 0 })])));
  return inst.exports.memory.buffer.byteLength / 65536;
}

module.exports = {
  withMemoryMax, initialPages,
  parseJson, goUtf8, hexOf, strictBase64, expectedLine, EXPORTS, VALUE_FIELD,
  rng, mix, seedFromEnv, probeHost, problem, show, short, assertNone,
};

'use strict';
// JSON conformance (tests/conformance/README.md): every case of tests/conformance/json/accept must
// be accepted and every case of reject/ refused with an "invalid JSON" error, through
// build/probe.wasm in the strict kernel and in npm Extism, without a trap or a kernel violation.
// Each case is first checked against the reference (reference.js parseJson: JSON.parse, with raw
// bytes from 0x80 up passed through inside strings), so a wrong case file fails here too.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { isUtf8 } = require('node:buffer');
const { REPO, RUNTIMES, artifact } = require('../testkit');
const { parseJson, hexOf, expectedLine, EXPORTS, probeHost, problem, show, assertNone } = require('../reference');

const DIR = path.join(REPO, 'tests', 'conformance', 'json');

// The categories (JSONTestSuite's, roughly) that must each have a file of their own.
const REQUIRED = {
  accept: ['structure', 'objects', 'arrays', 'numbers', 'strings', 'strings-invalid-utf8', 'escapes', 'surrogates', 'whitespace', 'literals',
    'deep-nesting', 'doc-structure'],
  reject: ['structure', 'objects', 'arrays', 'numbers', 'strings', 'strings-control', 'bytes-outside-strings', 'escapes', 'surrogates',
    'whitespace', 'bom', 'doc-bom', 'comments', 'trailing-commas', 'nan-infinity', 'literals', 'deep-nesting', 'doc-structure'],
};

// *.txt: one case per line ('#' lines and empty lines skipped); *.json: the whole file is one case.
function loadCases(verdict) {
  const dir = path.join(DIR, verdict);
  assert.ok(fs.existsSync(dir), `${path.relative(REPO, dir)} is missing`);
  const files = fs.readdirSync(dir).filter((f) => /\.(txt|json)$/.test(f)).sort();
  for (const cat of REQUIRED[verdict]) {
    assert.ok(files.some((f) => f.replace(/\.(txt|json)$/, '') === cat), `no ${verdict}/${cat}.txt in ${path.relative(REPO, DIR)}`);
  }
  const cases = [];
  for (const file of files) {
    const data = fs.readFileSync(path.join(dir, file));
    const base = { file: `${verdict}/${file}`, doc: file.startsWith('doc-'), wrongType: file.startsWith('doc-wrongtype') };
    if (file.endsWith('.json')) {
      cases.push({ ...base, where: `${verdict}/${file}`, bytes: data });
      continue;
    }
    let start = 0;
    for (let line = 1; start < data.length; line++) {
      let end = data.indexOf(0x0a, start);
      if (end < 0) end = data.length;
      const bytes = data.subarray(start, end);
      start = end + 1;
      if (bytes.length === 0 || bytes[0] === 0x23) continue;
      cases.push({ ...base, where: `${verdict}/${file}:${line}`, bytes });
    }
  }
  return cases;
}

const ACCEPT = loadCases('accept');
const REJECT = loadCases('reject');

// Where a value case goes: an unknown member of valid inputs of every callback, in several places.
const EMBED = [
  { name: 'last member', kind: 'text', before: '{"connectionId":"c","message":"m","x":', after: '}', line: 'text 63 6d' },
  { name: 'first member', kind: 'text', before: '{"x":', after: ',"connectionId":"c","message":"m"}', line: 'text 63 6d' },
  { name: 'nested member', kind: 'text', before: '{"connectionId":"c","x":{"k":', after: '},"message":"m"}', line: 'text 63 6d' },
  { name: 'error input', kind: 'error', before: '{"connectionId":"c","error":"e","x":', after: '}', line: 'error 63 65' },
  { name: 'binary input', kind: 'binary', before: '{"connectionId":"c","x":', after: ',"data":"AQI="}', line: 'binary 63 0102' },
  { name: 'close input, after "code"', kind: 'close', before: '{"connectionId":"c","code":1000,"reason":"r","x":', after: '}', line: 'close 63 1000 72' },
];
const embed = (e, bytes) => Buffer.concat([Buffer.from(e.before), bytes, Buffer.from(e.after)]);

// Every run: [case, label, export, input, want]
function runsFor(c, verdict) {
  if (c.doc) {
    const r = parseJson(c.bytes);
    if (verdict === 'accept') return [[c, 'whole input', EXPORTS.text, c.bytes, r.ok ? expectedLine('text', r.value) : { reject: r.why }]];
    return [[c, 'whole input', EXPORTS.text, c.bytes, { reject: c.wrongType ? /invalid JSON|missing field "|field "/ : 'json' }]];
  }
  const runs = EMBED.map((e) => [c, e.name, EXPORTS[e.kind], embed(e, c.bytes), verdict === 'accept' ? { line: e.line } : { reject: 'json' }]);
  // An accepted string is also decoded as the message and as the connection id.
  const v = verdict === 'accept' && parseJson(c.bytes);
  if (v && v.ok && Buffer.isBuffer(v.value)) {
    const bytes = hexOf(v.value);
    const fail = v.value.equals(Buffer.from('fail'));
    runs.push([c, 'as the message', EXPORTS.text, embed({ before: '{"connectionId":"c","message":', after: '}' }, c.bytes), { line: `text 63 ${bytes}`, fail }]);
    runs.push([c, 'as the connection id', EXPORTS.text, embed({ before: '{"connectionId":', after: ',"message":"m"}' }, c.bytes), { line: `text ${bytes} 6d` }]);
  }
  return runs;
}

test('conformance cases: at least 300, and all control bytes 0x00-0x1F appear raw in rejected strings', (t) => {
  assert.ok(ACCEPT.length + REJECT.length >= 300, `only ${ACCEPT.length + REJECT.length} cases`);
  const controls = REJECT.filter((c) => c.file.includes('strings-control'));
  for (let b = 0; b < 0x20; b++) {
    assert.ok(controls.some((c) => c.bytes.includes(b)), `no reject/strings-control* case holds the raw byte 0x${b.toString(16).padStart(2, '0')}`);
  }
  t.diagnostic(`${ACCEPT.length} accept and ${REJECT.length} reject cases`);
});

// The reference itself, on the simplest strings: without a backslash, an accepted string decodes to
// exactly the bytes between its quotes, whatever they are (valid UTF-8 or not).
test('the reference decodes every accepted string case without escapes to its raw bytes', () => {
  const problems = [];
  let checked = 0;
  let invalid = 0;
  for (const c of ACCEPT) {
    const b = c.bytes;
    if (c.doc || b.length < 2 || b[0] !== 0x22 || b[b.length - 1] !== 0x22 || b.includes(0x5c)) continue;
    const inner = b.subarray(1, -1);
    if (inner.includes(0x22)) continue; // not one string
    checked++;
    if (!isUtf8(inner)) invalid++;
    const r = parseJson(b);
    if (!r.ok || !Buffer.isBuffer(r.value) || !r.value.equals(inner)) problems.push(`${c.where}: the reference gives ${!r.ok ? r.why : Buffer.isBuffer(r.value) ? hexOf(r.value) : typeof r.value}, want ${hexOf(inner)}`);
  }
  assertNone(problems, 'string case(s) not decoded to their raw bytes by the reference');
  assert.ok(checked >= 50 && invalid >= 20, `only ${checked} such string cases, ${invalid} of them invalid UTF-8`);
});

test('conformance cases agree with the reference (JSON.parse, raw bytes passed through in strings)', () => {
  const problems = [];
  for (const [verdict, cases] of [['accept', ACCEPT], ['reject', REJECT]]) {
    for (const c of cases) {
      for (const [, label, , input, want] of runsFor(c, verdict)) {
        const r = parseJson(input);
        if (c.wrongType) {
          if (!r.ok) problems.push(`${c.where} [${label}]: the reference rejects it (${r.why}); doc-wrongtype cases must be valid JSON`);
        } else if (verdict === 'accept') {
          if (!r.ok) problems.push(`${c.where} [${label}]: the reference rejects it: ${r.why}`);
          else if (want.reject) problems.push(`${c.where} [${label}]: not a valid text input per the reference: ${want.reject}`);
        } else if (r.ok) {
          problems.push(`${c.where} [${label}]: the reference accepts it: ${show(input)}`);
        }
      }
    }
  }
  assertNone(problems, 'case(s) disagree with the reference');
});

for (const runtime of RUNTIMES) {
  for (const verdict of ['accept', 'reject']) {
    test(`conformance: ${verdict}/ cases through probe.wasm (${runtime})`, async () => {
      const { call } = await probeHost(runtime, artifact('probe.wasm'));
      const cases = verdict === 'accept' ? ACCEPT : REJECT;
      const problems = [];
      let runs = 0;
      for (const c of cases) {
        for (const [, label, name, input, want] of runsFor(c, verdict)) {
          if (want.reject && verdict === 'accept') continue; // reported by the reference test
          runs++;
          const r = await call(name, input);
          const p = problem(runtime, name, input, r, want);
          if (p) problems.push(`${c.where} [${label}]: ${p}; input ${show(input)}`);
        }
      }
      assertNone(problems, `of ${runs} ${verdict} run(s) failed`);
    });
  }
}

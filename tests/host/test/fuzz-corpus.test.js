'use strict';
// Replays the libFuzzer corpus of tests/fuzz (made by the fuzz targets, natively) through the real
// build/probe.wasm in the strict kernel: no trap, no kernel violation, a clean result, and a
// verdict the reference does not contradict:
//   - input_<kind>/*: the file is the input of that callback;
//   - base64/*: the file's bytes are the "data" string of on_binary_message (JSON-escaped).
// A missing corpus directory is a failure, not a skip.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO, artifact } = require('../testkit');
const { parseJson, expectedLine, strictBase64, hexOf, EXPORTS, probeHost, problem, show, assertNone } = require('../reference');

const CORPUS = path.join(REPO, 'tests', 'fuzz', 'corpus');

function corpus(dir) {
  const full = path.join(CORPUS, dir);
  assert.ok(fs.existsSync(full), `${path.relative(REPO, full)} is missing: the fuzz corpus comes from tests/fuzz (its seeds are checked in there)`);
  const files = fs.readdirSync(full).filter((f) => fs.statSync(path.join(full, f)).isFile()).sort();
  assert.ok(files.length > 0, `${path.relative(REPO, full)} is empty`);
  return files.map((f) => [`${dir}/${f}`, fs.readFileSync(path.join(full, f))]);
}

test('fuzz corpus (input targets) replayed through probe.wasm in the strict kernel', async () => {
  const { call } = await probeHost('strict', artifact('probe.wasm'));
  const problems = [];
  let count = 0;
  for (const kind of ['text', 'binary', 'error', 'close']) {
    const name = EXPORTS[kind];
    for (const [file, input] of corpus(`input_${kind}`)) {
      count++;
      const r = await call(name, input);
      const ref = parseJson(input);
      let want = { reject: 'any' };
      if (!ref.ok) want = { reject: /invalid JSON|field "/ }; // single pass: a field error may come first
      else if (r.ok || r.lines.length) {
        // nd_ws accepted it: the reference must agree, value for value
        const e = expectedLine(kind, ref.value);
        want = e.reject ? { reject: 'any', why: e.reject } : e;
      }
      const p = problem('strict', name, input, r, want);
      if (p) problems.push(`${file}: ${p}; input ${show(input)}`);
    }
  }
  assertNone(problems, `of ${count} corpus input(s) failed`);
});

test('fuzz corpus (base64 target) replayed through probe.wasm in the strict kernel', async () => {
  const { call } = await probeHost('strict', artifact('probe.wasm'));
  const problems = [];
  const files = corpus('base64');
  for (const [file, bytes] of files) {
    // JSON-escape what must be; bytes >= 0x80 stay raw (so invalid UTF-8 stays invalid)
    const escaped = Buffer.concat([...bytes].map((b) => (b < 0x20 || b === 0x22 || b === 0x5c ? Buffer.from(`\\u00${b.toString(16).padStart(2, '0')}`) : Buffer.from([b]))));
    const input = Buffer.concat([Buffer.from('{"connectionId":"c","data":"'), escaped, Buffer.from('"}')]);
    const ascii = bytes.every((b) => b < 0x80);
    const decoded = ascii ? strictBase64(bytes.toString('latin1')) : null;
    const want = decoded ? { line: `binary 63 ${hexOf(decoded)}` } : { reject: ascii ? /: field "data": invalid base64 at character \d+$/ : 'any' };
    const p = problem('strict', EXPORTS.binary, input, await call(EXPORTS.binary, input), want);
    if (p) problems.push(`${file}: ${p}; data ${show(bytes)}`);
  }
  assertNone(problems, `of ${files.length} base64 corpus input(s) failed`);
});

'use strict';
// Replays the libFuzzer corpus of tests/fuzz (made by the fuzz targets, natively) through the real
// build/probe.wasm in the strict kernel: no trap, no kernel violation, a clean result, and the
// verdict the reference gives (for valid JSON: the decoded values, or the kind of field error):
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
      let want;
      if (!ref.ok) want = { reject: /invalid JSON|field "/ }; // single pass: a field error may come first
      else {
        // the reference accepts it (raw invalid UTF-8 in strings included): nd_ws must decode it
        // value for value, or reject it as Go would
        const e = expectedLine(kind, ref.value);
        // Go refuses an int32 written as 1e3 or 1.0, which JSON.parse can't tell from 1000
        const oddCode = kind === 'close' && !r.ok && [...input.toString('latin1').matchAll(/"code"[ \t\r\n]*:[ \t\r\n]*([^,}\s]*)/g)].some((m) => !/^-?(0|[1-9][0-9]*)$/.test(m[1]));
        // valid JSON: a rejection can only be about the fields (or a top level that is no object)
        if (e.reject) want = { reject: e.reject === 'not an object' ? /: invalid JSON: / : /: (missing field "|field ")/, why: e.reject };
        else want = oddCode ? { reject: /: field "code": /, why: 'code not written as an integer' } : e;
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
    // JSON-escape what must be; bytes >= 0x80 stay raw: nd_ws decodes the string to exactly these
    // bytes, which are then valid base64 or not
    const escaped = Buffer.concat([...bytes].map((b) => (b < 0x20 || b === 0x22 || b === 0x5c ? Buffer.from(`\\u00${b.toString(16).padStart(2, '0')}`) : Buffer.from([b]))));
    const input = Buffer.concat([Buffer.from('{"connectionId":"c","data":"'), escaped, Buffer.from('"}')]);
    const decoded = strictBase64(bytes.toString('latin1')); // a byte >= 0x80 is never base64
    const want = decoded ? { line: `binary 63 ${hexOf(decoded)}` } : { reject: /: field "data": invalid base64 at character \d+$/ };
    const p = problem('strict', EXPORTS.binary, input, await call(EXPORTS.binary, input), want);
    if (p) problems.push(`${file}: ${p}; data ${show(bytes)}`);
  }
  assertNone(problems, `of ${files.length} base64 corpus input(s) failed`);
});

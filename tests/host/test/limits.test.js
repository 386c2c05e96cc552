'use strict';
// Limits: very large messages, memory exhaustion, very deep nesting, short and truncated input.
// Every call must end cleanly (success, or an nd_ws error); never a trap or a kernel violation.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { RUNTIMES, artifact } = require('../testkit');
const { callbackInput } = require('../gojson');
const { Kernel } = require('../kernel');
const { EXPORTS, withMemoryMax, initialPages, hexOf, probeHost, problem, show, assertNone } = require('../reference');

const MiB = 1 << 20;

// Checks a success of a plugin that logs nothing (minimal.wasm, all4.wasm).
function assertQuietSuccess(r, label) {
  assert.equal(r.trap, null, `${label}: trap ${r.trap}`);
  assert.deepEqual(r.violations, [], label);
  assert.equal(r.error, null, `${label}: ${r.error}`);
  assert.equal(r.rc, 0, label);
  assert.equal(r.output?.toString(), '{"error":null}', label);
}

test('a 64 MiB text message succeeds (minimal.wasm, strict kernel)', async (t) => {
  const { call } = await probeHost('strict', artifact('minimal.wasm'));
  // 64 MiB of message text after unescaping; the JSON holds escapes and multi-byte characters too
  const unit = 'Hello, w\\u00f6rld \\"\\ud83d\\ude00\\" <\\u0026> abcdef\\n'; // 32 bytes decoded
  const decodedUnit = 'Hello, wörld "😀" <&> abcdef\n';
  assert.equal(Buffer.byteLength(decodedUnit), 32);
  const input = Buffer.from(`{"connectionId":"big","message":"${unit.repeat((64 * MiB) / 32)}"}`);
  const t0 = performance.now();
  const r = await call(EXPORTS.text, input);
  t.diagnostic(`64 MiB text: ${(input.length / MiB).toFixed(0)} MiB of JSON in ${(performance.now() - t0).toFixed(0)} ms`);
  assertQuietSuccess(r, '64 MiB text');
});

test('a 48 MiB binary message succeeds (all4.wasm, strict kernel)', async () => {
  const { call } = await probeHost('strict', artifact('all4.wasm'));
  const data = Buffer.alloc(48 * MiB);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i);
  const input = Buffer.from(`{"connectionId":"big","data":"${data.toString('base64')}"}`);
  const r = await call(EXPORTS.binary, input);
  assertQuietSuccess(r, '48 MiB binary');
});

test('4 MiB messages decode exactly (probe.wasm, strict kernel)', async () => {
  const { call } = await probeHost('strict', artifact('probe.wasm'));
  const text = 'x\u0000y é 😀 \u2028 "q" \\ <&> 01234\n'.repeat((4 * MiB) / 32);
  const r1 = await call(EXPORTS.text, callbackInput.text('t', text));
  assert.equal(problem('strict', EXPORTS.text, Buffer.alloc(0), r1, { line: `text 74 ${hexOf(Buffer.from(text))}` }), null);
  const data = Buffer.alloc(4 * MiB);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
  const r2 = await call(EXPORTS.binary, callbackInput.binary('b', data));
  assert.equal(problem('strict', EXPORTS.binary, Buffer.alloc(0), r2, { line: `binary 62 ${data.toString('hex')}` }), null);
});

// Memory exhaustion: the module's memory gets a maximum (as a host memory limit would), so
// memory.grow fails. Every cap from "no growth at all" to "enough" must give a clean result.
for (const runtime of RUNTIMES) {
  test(`memory exhaustion under a memory-pages cap is an "out of memory" error, not a trap (${runtime})`, async () => {
    const wasm = fs.readFileSync(artifact('probe.wasm'));
    const base = initialPages(wasm);
    const message = 'm\\u00e9\\n'.repeat(40000); // 120,000 bytes decoded, 320,000 of JSON
    const input = Buffer.from(`{"connectionId":"c","message":"${message}","x":[[[[1]]]]}`);
    const line = `text 63 ${hexOf(Buffer.from('mé\n'.repeat(40000)))}`;
    const problems = [];
    const outcomes = { success: 0, oom: 0 };
    for (let cap = base; cap <= base + 24; cap++) {
      const { call } = await probeHost(runtime, withMemoryMax(wasm, cap));
      for (const name of [EXPORTS.text, EXPORTS.binary]) {
        const text = name === EXPORTS.text;
        const inp = text ? input : callbackInput.binary('c', Buffer.alloc(240000, 0xab));
        const r = await call(name, inp);
        const label = `cap ${cap} pages, ${name}`;
        if (r.ok) {
          outcomes.success++;
          const p = problem(runtime, name, inp, r, { line: text ? line : `binary 63 ${'ab'.repeat(240000)}` });
          if (p) problems.push(`${label}: ${p}`);
          continue;
        }
        outcomes.oom++;
        if (r.trap) problems.push(`${label}: trap ${r.trap}`);
        else if (r.violations.length) problems.push(`${label}: violations ${r.violations.join('; ')}`);
        else if (!r.error?.startsWith(`nd_ws: ${name}: `) || !/out of memory/.test(r.error)) problems.push(`${label}: error ${JSON.stringify(r.error)}`);
        else if (runtime === 'strict' && r.rc !== 1) problems.push(`${label}: rc ${r.rc}`);
        // the output, when there was room for it, repeats the error
        else if (r.output && JSON.parse(r.output.toString()).error !== r.error) problems.push(`${label}: output ${show(r.output)}`);
      }
    }
    assertNone(problems, 'call(s) under a memory cap ended badly');
    assert.ok(outcomes.oom >= 10 && outcomes.success >= 4, `caps did not cover both outcomes: ${JSON.stringify(outcomes)}`);
  });
}

test('exhausted host (kernel) memory: alloc returning 0 never traps (strict)', async () => {
  const input = Buffer.from(callbackInput.text('c', 'hello'));
  const problems = [];
  const module = await Kernel.load(artifact('probe.wasm')).then((k) => k.module); // compiled once
  for (let room = 0; room <= 200; room++) {
    const { call } = await probeHost('strict', module, { maxKernelBytes: input.length + room });
    for (const name of [EXPORTS.text, EXPORTS.close]) {
      const inp = name === EXPORTS.text ? input : Buffer.from('{"connectionId":"c","code":1000}'); // fails: no reason
      const r = await call(name, inp);
      if (r.trap || r.violations.length) problems.push(`room ${room}, ${name}: ${r.trap ?? r.violations.join('; ')}`);
      else if (!(r.rc === 0 || r.rc === 1)) problems.push(`room ${room}, ${name}: rc ${r.rc}`);
      else if (r.rc === 1 && r.error !== null && !r.error.startsWith(`nd_ws: ${name}: `)) problems.push(`room ${room}, ${name}: error ${r.error}`);
    }
  }
  assertNone(problems, 'call(s) with little host memory ended badly');
});

// 1,000,000 nested '[' in an unknown member: rejected (unbalanced) or skipped (balanced), no
// recursion, in linear time.
const DEPTH = 1000000;
function nested(depth, balanced) {
  const head = '{"connectionId":"c","message":"m","x":';
  return Buffer.concat([Buffer.from(head), Buffer.alloc(depth, '['), balanced ? Buffer.alloc(depth, ']') : Buffer.alloc(0), Buffer.from('}')]);
}
for (const runtime of RUNTIMES) {
  test(`1,000,000 nested '[' in an unknown member: no trap, linear time (${runtime})`, async (t) => {
    const { call } = await probeHost(runtime, artifact('probe.wasm'));
    const time = async (input, want) => {
      let best = Infinity;
      for (let k = 0; k < 2; k++) {
        const t0 = performance.now();
        const r = await call(EXPORTS.text, input);
        best = Math.min(best, performance.now() - t0);
        const p = problem(runtime, EXPORTS.text, input, r, want);
        assert.equal(p, null, `${input.length} bytes: ${p}`);
      }
      return best;
    };
    const unbalanced = await time(nested(DEPTH, false), { reject: 'json' });
    const balanced = await time(nested(DEPTH, true), { line: 'text 63 6d' });
    const small = await time(nested(DEPTH / 10, true), { line: 'text 63 6d' });
    const objects = Buffer.from(`{"connectionId":"c","x":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)},"message":"m"}`);
    await time(objects, { line: 'text 63 6d' });
    t.diagnostic(`${runtime}: ${DEPTH} deep: unbalanced ${unbalanced.toFixed(0)} ms, balanced ${balanced.toFixed(0)} ms; ${DEPTH / 10} deep ${small.toFixed(0)} ms`);
    assert.ok(balanced < 10000, `${DEPTH} levels took ${balanced} ms`);
    // 10 times the depth: about 10 times the time when linear (100 times when quadratic)
    assert.ok(balanced < 30 * small + 200, `not linear: ${DEPTH} levels ${balanced.toFixed(0)} ms, ${DEPTH / 10} levels ${small.toFixed(0)} ms`);
  });
}

// Short inputs (0, 1, 7, 8, 9 bytes) and every truncation of valid inputs: a clean nd_ws error.
const VALID = {
  text: callbackInput.text('conn-1', 'héllo "world"\n😀 <&> \u2028\u0000 fail?'),
  binary: callbackInput.binary('conn-2', Buffer.from([0, 1, 2, 0xfb, 0xff, 0xfe, 0x80, 0x7f, 0x3e])),
  error: callbackInput.error('conn-3', 'websocket: close 1006 (abnormal closure): unexpected EOF'),
  close: callbackInput.close('conn-4', -2147483648, 'bye\t<now>'),
};
for (const runtime of RUNTIMES) {
  test(`short inputs and every truncation of valid inputs fail cleanly (${runtime})`, async () => {
    const { call } = await probeHost(runtime, artifact('probe.wasm'));
    const problems = [];
    let runs = 0;
    for (const [kind, full] of Object.entries(VALID)) {
      const name = EXPORTS[kind];
      const bytes = Buffer.from(full);
      const r = await call(name, bytes);
      assert.ok(r.ok, `${kind}: the whole input fails: ${r.error}`);
      const inputs = [];
      for (const n of [0, 1, 7, 8, 9]) {
        inputs.push([`${n} bytes of the input`, bytes.subarray(0, n)]);
        for (const fill of [0x00, 0xff, 0x7b, 0x20, 0x5b, 0x22]) inputs.push([`${n} bytes 0x${fill.toString(16)}`, Buffer.alloc(n, fill)]);
      }
      for (let n = 0; n < bytes.length; n++) inputs.push([`truncated to ${n} bytes`, bytes.subarray(0, n)]);
      for (const [label, input] of inputs) {
        runs++;
        const p = problem(runtime, name, input, await call(name, input), { reject: 'json' });
        if (p) problems.push(`${kind}, ${label}: ${p}; input ${show(input)}`);
      }
    }
    assertNone(problems, `of ${runs} short or truncated input(s) failed badly`);
  });
}

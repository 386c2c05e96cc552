'use strict';
// The strict kernel against the Rust kernel's rules, and the npm adapter's documented quirks.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Kernel, ExtismPlugin, parseImports } = require('../kernel');
const { wat } = require('../testkit');

const load = (opts = {}) => Kernel.load(wat('kernel'), opts);

test('alloc(0) returns 0', async () => {
  const r = await (await load()).call('alloc_zero');
  assert.equal(r.rc, 0);
  assert.ok(r.ok);
});

test('output_set honours the address and the length (sub-range)', async () => {
  const r = await (await load()).call('sub_range');
  assert.equal(r.output.toString(), 'ell');
  assert.deepEqual(r.violations, []);
});

test('input loads past the end return 0 and are recorded', async () => {
  const r = await (await load()).call('input_tail', 'abcdefghij');
  assert.deepEqual([...r.output], new Array(9).fill(0));
  assert.equal(r.violations.length, 2);
  assert.match(r.violations[0], /input_load_u64\(6\): past the end of the 10-byte input/);
  assert.match(r.violations[1], /input_load_u8\(10\)/);
});

test('the portable input/output loop round-trips any input', async () => {
  const k = await load();
  for (const input of [Buffer.alloc(0), Buffer.from('x'), Buffer.from('12345678'), Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff))]) {
    const r = await k.call('echo', input);
    assert.deepEqual(r.violations, []);
    assert.ok(r.ok);
    if (input.length) assert.deepEqual(r.output, input);
    else assert.equal(r.output, null);
  }
});

test('error_set with a message fails the call even with rc 0', async () => {
  const r = await (await load()).call('error_rc0');
  assert.equal(r.rc, 0);
  assert.equal(r.error, 'boom');
  assert.equal(r.ok, false);
});

test('a non-zero return value fails the call', async () => {
  const r = await (await load()).call('rc3');
  assert.equal(r.rc, 3);
  assert.equal(r.ok, false);
});

test('a trap is captured and the kernel stays usable', async () => {
  const k = await load();
  const r = await k.call('trap');
  assert.equal(r.ok, false);
  assert.match(r.trap, /unreachable/);
  assert.ok((await k.call('alloc_zero')).ok);
});

test('loads and stores outside a block are ignored but recorded', async () => {
  const k = await load();
  const store = await k.call('oob_store');
  assert.match(store.violations.join('\n'), /store_u64\(0x[0-9a-f]+\): 8 byte\(s\) outside any live block/);
  const loadR = await k.call('oob_load');
  assert.equal(loadR.rc, 0); // the out-of-bounds load_u8 returned 0
  assert.match(loadR.violations.join('\n'), /load_u8/);
});

test('config_get returns the value block, 0 when absent', async () => {
  assert.equal((await (await load({ config: { url: 'ws://a' } })).call('config')).output.toString(), 'ws://a');
  assert.equal((await (await load()).call('config')).output, null);
});

test('log blocks belong to the host: freeing one is recorded', async () => {
  const lines = [];
  const r = await (await load({ log: (level, text) => lines.push([level, text]) })).call('log_then_free');
  assert.deepEqual(lines, [['info', 'hi']]);
  assert.match(r.violations.join('\n'), /free\(0x[0-9a-f]+\): not a live block handle/);
});

test('the linear-memory page cap fails a call that grew past it', async () => {
  const r = await (await load({ maxPages: 4 })).call('grow');
  assert.equal(r.ok, false);
  assert.match(r.trap, /11 pages, above the cap of 4/);
});

test('the kernel-memory byte cap makes alloc return 0', async () => {
  const r = await (await load({ maxKernelBytes: 4 })).call('echo', 'more than four bytes');
  assert.equal(r.output, null);
  assert.ok(r.violations.length > 0); // the plugin did not check alloc's 0 and wrote to handle 0
});

test('a missing export is reported, not thrown', async () => {
  const r = await (await load()).call('nope');
  assert.equal(r.missing, true);
  assert.equal(r.ok, false);
});

test('user host functions get and return memory handles', async () => {
  const functions = { double: (ctx, h) => ctx.writeBytes(Buffer.concat([ctx.readBytes(h), ctx.readBytes(h)])) };
  for (const Runtime of [Kernel, ExtismPlugin]) {
    const r = await (await Runtime.load(wat('user'), { functions })).call('run', 'ab');
    assert.equal(r.output.toString(), 'abab', Runtime.name);
  }
});

test('a module importing something not provided is refused', async () => {
  await assert.rejects(Kernel.load(wat('user')), { message: '"double" is not exported in module "extism:host/user"' });
});

test('an import declared with the wrong signature is refused', async () => {
  await assert.rejects(Kernel.load(wat('badsig')), /extism:host\/env\.alloc.*signature mismatch.*\(i32\) -> \(i32\).*\(i64\) -> \(i64\)/);
});

test('parseImports reads names and signatures', () => {
  const imports = parseImports(fs.readFileSync(wat('user')));
  assert.deepEqual(imports.at(-1), { module: 'extism:host/user', name: 'double', kind: 'function', signature: '(i64) -> (i64)' });
});

test('fresh instances: nothing in linear memory survives a call; shared instances keep it', async () => {
  // _initialize runs once per instance; with fresh: false the same instance serves every call.
  const k = await Kernel.load(wat('kernel'), { fresh: false, maxPages: 4 });
  await k.call('grow');
  assert.match((await k.call('alloc_zero')).trap, /above the cap/); // the grown memory persisted
  const f = await load({ maxPages: 4 });
  await f.call('grow');
  assert.ok((await f.call('alloc_zero')).ok);
});

test('npm adapter quirks are what extism-abi.md says', async () => {
  const k = await ExtismPlugin.load(wat('kernel'));
  assert.equal((await k.call('rc3')).ok, true); // rc ignored
  assert.equal((await k.call('rc3')).rc, null);
  assert.equal((await k.call('sub_range')).output.toString(), 'hello'); // whole block
  assert.equal((await k.call('error_rc0')).error, 'boom'); // from "Plugin-originated error: boom"
  assert.match((await k.call('oob_store')).trap, /outside the bounds/); // RangeError, not ignored
  assert.match((await k.call('trap')).trap, /unreachable/);
});

'use strict';
// The Navidrome-like host (nd-host.js) on its own, driven by fixtures/hostprobe.wat: requests go to
// the websocket_* functions verbatim, callbacks log their raw input. Runs in both runtimes.
const test = require('node:test');
const assert = require('node:assert/strict');
const { NdHost } = require('../nd-host');
const { LoopbackServer } = require('../loopback');
const { RUNTIMES, wat, manifest } = require('../testkit');

const json = (o) => Buffer.from(JSON.stringify(o));

for (const runtime of RUNTIMES) {
  test(`host service (${runtime})`, async (t) => {
    const server = await LoopbackServer.start();
    const host = await NdHost.load(wat('hostprobe'), { runtime, manifest: manifest(['127.0.0.1', '*.example.org']) });
    t.after(async () => {
      await host.close();
      await server.stop();
    });
    const request = async (fn, body) => {
      const r = await host.call(`call_${fn}`, Buffer.isBuffer(body) ? body : json(body));
      assert.deepEqual(r.violations, []);
      return r.output.toString();
    };
    // The raw input of the next callback the probe logs, in order.
    let seen = 0;
    const nextInput = async () => {
      const n = ++seen;
      const entry = await host.waitFor(((count) => (e) => e.msg === 'plugin log' && --count === 0)(n), 5000, `callback input #${n}`);
      return entry.text;
    };
    let clients = 0;
    const connect = async (id) => {
      assert.equal(await request('connect', { url: server.url, headers: { 'X-Test': 'yes' }, connectionId: id }), `{"newConnectionId":"${id}"}`);
      const c = await server.next((e) => e.type === 'connection', 'a connection');
      assert.equal(c.client, clients++);
      assert.equal(c.headers['x-test'], 'yes');
      return c.client;
    };

    await t.test('connect: scheme, requiredHosts, duplicate and random ids', async () => {
      assert.equal(await request('connect', { url: 'http://127.0.0.1/', connectionId: 'x' }), '{"error":"invalid URL scheme: must be ws:// or wss://"}');
      assert.equal(await request('connect', { url: 'ws://localhost:1/', connectionId: 'x' }), '{"error":"host \\"localhost:1\\" is not allowed"}');
      assert.equal(await request('connect', { url: 'ws://example.org/', connectionId: 'x' }), '{"error":"host \\"example.org\\" is not allowed"}');
      assert.match(await request('connect', { url: 'ws://127.0.0.1:1/', connectionId: 'x' }), /^\{"error":"failed to connect: dial tcp 127.0.0.1:1: connect: connection refused"\}$/);
      assert.match(await request('connect', { url: 'ws://127.0.0.1/', connectionId: 1 }), /cannot unmarshal number into Go struct field WebSocketConnectRequest.connectionId of type string/);
      await connect('a');
      assert.equal(await request('connect', { url: server.url, connectionId: 'a' }), '{"error":"connection ID \\"a\\" already exists"}');
      const random = JSON.parse(await request('connect', { url: server.url, connectionId: '' }));
      assert.match(random.newConnectionId, /^[0-9A-Za-z]{22}$/);
      await server.next((e) => e.type === 'connection');
      clients++;
    });

    await t.test('send: frames arrive exactly, unknown ids are refused', async () => {
      assert.equal(await request('sendtext', { connectionId: 'a', message: 'hé <&> \u2028 \u0000' }), '{}');
      const text = await server.next((e) => e.type === 'message');
      assert.equal(text.binary, false);
      assert.equal(text.data.toString(), 'hé <&> \u2028 \u0000');
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      assert.equal(await request('sendbinary', { connectionId: 'a', data: all.toString('base64') }), '{}');
      const bin = await server.next((e) => e.type === 'message');
      assert.equal(bin.binary, true);
      assert.deepEqual(bin.data, all);
      assert.equal(await request('sendbinary', { connectionId: 'a', data: 'AAE' }), '{"error":"illegal base64 data at input byte 3"}');
      assert.equal(await request('sendtext', { connectionId: 'nope', message: 'x' }), '{"error":"connection ID \\"nope\\" not found"}');
      assert.equal(await request('closeconnection', { connectionId: 'nope', code: 1000, reason: '' }), '{"error":"connection ID \\"nope\\" not found"}');
    });

    await t.test('incoming frames are encoded like Go and delivered in order', async () => {
      server.send('first <&> \u2028');
      server.send(Buffer.from([0x61, 0xff, 0xe2, 0x82]));
      server.send(Buffer.from([0, 1, 254, 255]), { binary: true });
      server.send(Buffer.alloc(0), { binary: true });
      server.send('');
      assert.equal(await nextInput(), '{"connectionId":"a","message":"first \\u003c\\u0026\\u003e \\u2028"}');
      assert.equal(await nextInput(), '{"connectionId":"a","message":"a\\ufffd\\ufffd\\ufffd"}');
      assert.equal(await nextInput(), '{"connectionId":"a","data":"AAH+/w=="}');
      assert.equal(await nextInput(), '{"connectionId":"a","data":""}');
      assert.equal(await nextInput(), '{"connectionId":"a","message":""}');
    });

    await t.test('a close by the plugin calls on_close synchronously with its code and reason', async () => {
      const before = host.logs.length;
      assert.equal(await request('closeconnection', { connectionId: 'a', code: 4000, reason: 'done' }), '{}');
      // on_close ran inside the host function: its input was logged before the call returned
      const nested = host.logs.slice(before).find((e) => e.msg === 'plugin log');
      assert.equal(nested?.text, '{"connectionId":"a","code":4000,"reason":"done"}');
      seen++;
      const closed = await server.next((e) => e.type === 'close' && e.client === 0);
      assert.deepEqual([closed.code, closed.reason], [4000, 'done']);
      assert.equal(await request('sendtext', { connectionId: 'a', message: 'x' }), '{"error":"connection ID \\"a\\" not found"}');
    });

    const cases = [
      { id: 'c1000', act: (c) => server.close(1000, 'normal bye', { client: c }), input: '{"connectionId":"c1000","code":1000,"reason":"normal bye"}' },
      { id: 'c1001', act: (c) => server.close(1001, 'away', { client: c }), input: '{"connectionId":"c1001","code":1001,"reason":"away"}' },
      { id: 'c1005', act: (c) => server.close(undefined, '', { client: c }), input: '{"connectionId":"c1005","code":1005,"reason":""}' },
      { id: 'c1006', act: (c) => server.terminate({ client: c }), input: '{"connectionId":"c1006","error":"websocket: close 1006 (abnormal closure): unexpected EOF"}' },
      { id: 'c4004', act: (c) => server.close(4004, 'not <found>', { client: c }), input: '{"connectionId":"c4004","error":"websocket: close 4004: not \\u003cfound\\u003e"}' },
      { id: 'c1011', act: (c) => server.close(1011, '', { client: c }), input: '{"connectionId":"c1011","error":"websocket: close 1011 (internal server error)"}' },
    ];
    for (const { id, act, input } of cases) {
      await t.test(`server-side close ${id.slice(1)} reaches the right callback`, async () => {
        const client = await connect(id);
        act(client);
        assert.equal(await nextInput(), input);
        await host.idle();
        assert.ok(!host.openConnections.includes(id));
        assert.equal(await request('sendtext', { connectionId: id, message: 'x' }), `{"error":"connection ID \\"${id}\\" not found"}`);
      });
    }

    await t.test('unloading closes what is left with 1001 "plugin unloaded"', async () => {
      await connect('left');
      await host.close();
      const inputs = host.logs.filter((e) => e.msg === 'plugin log').map((e) => e.text);
      assert.ok(inputs.includes('{"connectionId":"left","code":1001,"reason":"plugin unloaded"}'));
      const closed = await server.next((e) => e.type === 'close' && e.reason === 'plugin unloaded');
      assert.equal(closed.code, 1001);
    });
  });
}

test('a missing export is logged as an error on every call, like Navidrome', async () => {
  for (const runtime of RUNTIMES) {
    const host = await NdHost.load(wat('hostprobe'), { runtime, manifest: manifest(['127.0.0.1']) });
    assert.equal(await host.init(), null); // no nd_on_init export: not called
    const r = await host.call('nd_scheduler_callback', Buffer.from('{}'));
    assert.equal(r.missing, true);
    const entry = host.logs.at(-1);
    assert.deepEqual([entry.level, entry.ok, entry.error], ['error', false, 'function "nd_scheduler_callback" is not exported']);
    await host.close();
  }
});

test('without the websocket permission the host functions do not exist', async () => {
  for (const runtime of RUNTIMES) {
    await assert.rejects(NdHost.load(wat('hostprobe'), { runtime, manifest: manifest(null) }), {
      message: '"websocket_connect" is not exported in module "extism:host/user"',
    });
  }
});

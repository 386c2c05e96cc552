'use strict';
// nd_ws.h plugins over real loopback connections: build/echo.ndp, build/client.wasm, build/noperm.ndp.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { NdHost, ON_TEXT, ON_CLOSE, ON_ERROR } = require('../nd-host');
const { LoopbackServer } = require('../loopback');
const { callbackInput } = require('../gojson');
const { RUNTIMES, artifact, manifest, hex } = require('../testkit');

const MIB = 1 << 20;

// Every callback (except those on the ignored connection id) succeeded and, in the strict kernel,
// touched nothing out of bounds.
function assertCleanRun(host, ignoredConnectionId) {
  const bad = host.logs.filter((e) => e.msg === 'callback' && e.connectionId !== ignoredConnectionId && (!e.ok || e.violations));
  assert.deepEqual(bad, [], 'failed callbacks or memory violations');
}

async function startEcho(runtime, t) {
  const server = await LoopbackServer.start({ timeoutMs: 20000 });
  const host = await NdHost.load(artifact('echo.ndp'), { runtime, config: { url: server.url } });
  t.after(async () => {
    await host.close();
    await server.stop();
  });
  const init = await host.init();
  assert.ok(init?.ok, `nd_on_init: ${init?.error ?? init?.trap ?? 'not exported'}`);
  const conn = await server.next((e) => e.type === 'connection', 'echo to connect');
  return { server, host, conn };
}

const unicode = 'héllo wörld ✓ <&> "q" \\ \u2028\u2029 \u0000 \u001f 😀';
const bigText = Array.from({ length: MIB / 8 }, (_, i) => (i % 3 ? 'abcdefg\n' : 'é✓<&>\u2028')).join('').slice(0, MIB);
const ECHO_ROUNDS = [
  ['empty text', Buffer.alloc(0), false],
  ['1-byte text', Buffer.from('a'), false],
  ['unicode text', Buffer.from(unicode), false],
  ['1 MiB text', Buffer.from(bigText), false],
  ['empty binary', Buffer.alloc(0), true],
  ['all byte values', Buffer.from(Array.from({ length: 256 }, (_, i) => i)), true],
  ['1 MiB binary', crypto.randomBytes(MIB), true],
];

for (const runtime of RUNTIMES) {
  test(`echo.ndp round trips (${runtime})`, async (t) => {
    const { server, host } = await startEcho(runtime, t);
    for (const [label, data, binary] of ECHO_ROUNDS) {
      server.send(data, { binary });
      const back = await server.next((e) => e.type === 'message', `echo of ${label}`);
      assert.equal(back.binary, binary, `${label}: frame type`);
      assert.ok(back.data.equals(data), `${label}: ${back.data.length} bytes came back for ${data.length}`);
    }
    server.send('bye');
    const closed = await server.next((e) => e.type === 'close', 'the close after bye');
    assert.deepEqual([closed.code, closed.reason], [1000, 'bye']);
    const onClose = await host.waitFor((e) => e.msg === 'callback' && e.export === ON_CLOSE, 5000, 'on_close');
    assert.equal(onClose.connectionId, 'echo');
    await host.idle();
    assertCleanRun(host);
  });

  const SERVER_CLOSES = [
    ['1000', (s) => s.close(1000, 'done'), ON_CLOSE],
    ['1001', (s) => s.close(1001, ''), ON_CLOSE],
    ['1005', (s) => s.close(undefined), ON_CLOSE],
    ['1006', (s) => s.terminate(), ON_ERROR],
    ['4004', (s) => s.close(4004, 'unknown'), ON_ERROR],
  ];
  for (const [code, act, expected] of SERVER_CLOSES) {
    test(`echo.ndp: server close ${code} reaches ${expected} (${runtime})`, async (t) => {
      const { server, host } = await startEcho(runtime, t);
      act(server);
      const entry = await host.waitFor((e) => e.msg === 'callback' && (e.export === ON_CLOSE || e.export === ON_ERROR), 5000, 'the close callback');
      assert.equal(entry.export, expected);
      assert.equal(entry.connectionId, 'echo');
      await host.idle();
      assertCleanRun(host);
    });
  }

  test(`client.wasm: host service calls and their errors (${runtime})`, async (t) => {
    const server = await LoopbackServer.start();
    const host = await NdHost.load(artifact('client.wasm'), { runtime, manifest: manifest(['127.0.0.1', 'localhost']) });
    t.after(async () => {
      await host.close();
      await server.stop();
    });
    const command = async (text) => {
      const before = host.logs.length;
      const r = await host.call(ON_TEXT, callbackInput.text('cmd', text), 'cmd');
      assert.deepEqual(r.violations, [], text);
      return { r, lines: host.logs.slice(before).filter((e) => e.msg === 'plugin log').map((e) => e.text) };
    };
    const ok = async (text) => {
      const res = await command(text);
      assert.ok(res.r.ok, `${text}: ${res.r.error ?? res.r.trap}`);
      return res.lines;
    };
    const fails = async (text, hostError) => {
      const { r } = await command(text);
      assert.equal(r.ok, false, `${text}: expected a failure`);
      assert.equal(r.error, `nd_ws: ${ON_TEXT}: ${hostError}`, text);
    };

    assert.deepEqual(await ok(`connect ${server.url} c1`), ['connected c1']);
    await server.next((e) => e.type === 'connection');
    const [random] = await ok(`connect ${server.url} -`);
    assert.match(random, /^connected [0-9A-Za-z]{22}$/);
    await server.next((e) => e.type === 'connection');

    await ok('text c1 hello <&> world');
    let m = await server.next((e) => e.type === 'message' && e.client === 0);
    assert.deepEqual([m.binary, m.data.toString()], [false, 'hello <&> world']);
    await ok('binary c1 00ff10');
    m = await server.next((e) => e.type === 'message' && e.client === 0);
    assert.deepEqual([m.binary, m.data.toString('hex')], [true, '00ff10']);

    await fails('text nope hi', 'connection ID "nope" not found');
    await fails('binary nope 00', 'connection ID "nope" not found');
    await fails('close nope 1000 x', 'connection ID "nope" not found');
    await fails(`connect ${server.url} c1`, 'connection ID "c1" already exists');
    await fails('connect ws://example.com/ x', 'host "example.com" is not allowed');
    await fails('connect http://127.0.0.1/ x', 'invalid URL scheme: must be ws:// or wss://');
    await fails('connect ws://127.0.0.1:1/ x', 'failed to connect: dial tcp 127.0.0.1:1: connect: connection refused');

    // Frames from the server reach the plugin as commands too.
    server.send('text c1 pong', { client: 0 });
    m = await server.next((e) => e.type === 'message' && e.client === 0, 'pong');
    assert.equal(m.data.toString(), 'pong');

    // The plugin's own close: the server sees the code and reason; on_close runs inside the host call.
    const lines = await ok('close c1 4000 bye now');
    assert.deepEqual(lines, [`close ${hex('c1')} 4000 ${hex('bye now')}`]);
    const closed = await server.next((e) => e.type === 'close' && e.client === 0);
    assert.deepEqual([closed.code, closed.reason], [4000, 'bye now']);
    await fails('text c1 again', 'connection ID "c1" not found');

    // Server-side closes reach the right callback with Navidrome's values.
    const cases = [
      ['s1000', (c) => server.close(1000, 'done', { client: c }), (id) => `close ${hex(id)} 1000 ${hex('done')}`],
      ['s1001', (c) => server.close(1001, 'away', { client: c }), (id) => `close ${hex(id)} 1001 ${hex('away')}`],
      ['s1005', (c) => server.close(undefined, '', { client: c }), (id) => `close ${hex(id)} 1005 -`],
      ['s1006', (c) => server.terminate({ client: c }), (id) => `error ${hex(id)} ${hex('websocket: close 1006 (abnormal closure): unexpected EOF')}`],
      ['s4004', (c) => server.close(4004, 'not found', { client: c }), (id) => `error ${hex(id)} ${hex('websocket: close 4004: not found')}`],
    ];
    let client = 1;
    for (const [id, act, expected] of cases) {
      await ok(`connect ${server.url} ${id}`);
      await server.next((e) => e.type === 'connection');
      act(++client);
      const line = await host.waitFor((e) => e.msg === 'plugin log' && e.text === expected(id), 5000, `${id}: ${expected(id)}`);
      assert.ok(line);
    }
    await host.idle();
    assertCleanRun(host, 'cmd'); // the commands above fail on purpose
  });

  test(`noperm.ndp fails to load (${runtime})`, async () => {
    await assert.rejects(NdHost.load(artifact('noperm.ndp'), { runtime }), {
      message: '"websocket_connect" is not exported in module "extism:host/user"',
    });
  });
}

'use strict';
// examples/heartbeat.c against a real loopback server: bearer token, hello, ping/pong, log of
// other messages, and a reconnect after the server drops the connection.
const test = require('node:test');
const assert = require('node:assert/strict');
const { NdHost, ON_ERROR, ON_CLOSE } = require('../nd-host');
const { LoopbackServer } = require('../loopback');
const { RUNTIMES, artifact } = require('../testkit');

const HELLO = { type: 'hello', client: 'nd_ws', version: 1 };

for (const runtime of RUNTIMES) {
  for (const [how, drop, callback] of [
    ['drops the connection (1006)', (s, client) => s.terminate({ client }), ON_ERROR],
    ['closes with 1001', (s, client) => s.close(1001, 'going away', { client }), ON_CLOSE],
  ]) {
    test(`heartbeat.ndp: hello, pong, and a reconnect when the server ${how} (${runtime})`, async (t) => {
      const server = await LoopbackServer.start({ timeoutMs: 10000 });
      const host = await NdHost.load(artifact('heartbeat.ndp'), { runtime, config: { url: server.url, token: 's3cret' } });
      t.after(async () => {
        await host.close();
        await server.stop();
      });
      const init = await host.init();
      assert.ok(init?.ok, `nd_on_init: ${init?.error ?? init?.trap}`);

      const conn = await server.next((e) => e.type === 'connection', 'the connection');
      assert.equal(conn.headers.authorization, 'Bearer s3cret');
      const hello = await server.next((e) => e.type === 'message', 'the hello');
      assert.deepEqual(JSON.parse(hello.data.toString()), HELLO);

      server.send('{"type":"ping","id":42}', { client: conn.client });
      const pong = await server.next((e) => e.type === 'message', 'the pong');
      assert.deepEqual(JSON.parse(pong.data.toString()), { type: 'pong', id: 42 });

      server.send('{"type":"news","text":"hi"}', { client: conn.client });
      await host.waitFor((e) => e.msg === 'plugin log' && e.text === '{"type":"news","text":"hi"}', 5000, 'the log line');

      drop(server, conn.client);
      const entry = await host.waitFor((e) => e.msg === 'callback' && e.export === callback, 5000, callback);
      assert.ok(entry.ok, `${callback}: ${entry.error}`);
      const again = await server.next((e) => e.type === 'connection', 'the reconnection');
      assert.equal(again.headers.authorization, 'Bearer s3cret');
      const hello2 = await server.next((e) => e.type === 'message', 'the second hello');
      assert.deepEqual(JSON.parse(hello2.data.toString()), HELLO);
      await host.idle();
    });
  }
}

'use strict';
// A WebSocket server on 127.0.0.1 in its own worker thread, remote-controlled from the main thread.
//
// It cannot live on the main thread: while a plugin's host function waits for a handshake or a
// write (Atomics.wait, see ws-service.js), the main thread's event loop is stopped, and a server
// there could never answer. Here the server keeps running; the main thread sees its events
// (connection, message, close) in an inbox and drives it (send, close, terminate).

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const ROLE = 'nd-ws-loopback';

class LoopbackServer {
  // echo: send every received frame back unchanged (same type).
  static async start({ echo = false, timeoutMs = 5000 } = {}) {
    const server = new LoopbackServer(echo, timeoutMs);
    const ready = await server.next((e) => e.type === 'listening', 'the server to listen');
    server.url = `ws://127.0.0.1:${ready.port}/`;
    return server;
  }

  #inbox = [];
  #waiters = new Set();

  constructor(echo, timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.worker = new Worker(__filename, { workerData: { role: ROLE, echo } });
    this.worker.on('message', (ev) => {
      if (ev.data) ev.data = Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.byteLength);
      this.#inbox.push(ev);
      for (const w of this.#waiters) w();
    });
  }

  // Removes and returns the first event matching pred (oldest first), waiting up to timeoutMs.
  next(pred = () => true, what = 'a server event', timeoutMs = this.timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.#inbox.findIndex(pred);
        if (i === -1) return false;
        const [ev] = this.#inbox.splice(i, 1);
        done();
        resolve(ev);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  // Events not consumed yet (for assertions that nothing else arrived).
  pending() {
    return [...this.#inbox];
  }

  // client: index of the connection (0 = first one accepted).
  send(data, { binary = false, client = 0 } = {}) {
    this.worker.postMessage({ op: 'send', client, data: Buffer.from(data), binary });
  }

  // code undefined sends a close frame without payload (the client sees 1005).
  close(code, reason = '', { client = 0 } = {}) {
    this.worker.postMessage({ op: 'close', client, code, reason });
  }

  // Drops the TCP connection without a close frame (the client sees 1006).
  terminate({ client = 0 } = {}) {
    this.worker.postMessage({ op: 'terminate', client });
  }

  async stop() {
    await this.worker.terminate();
  }
}

function runWorker() {
  const { WebSocketServer } = require('ws');
  const clients = [];
  // Transparent server: no compression, text frames passed as raw bytes.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, skipUTF8Validation: true });
  wss.on('listening', () => parentPort.postMessage({ type: 'listening', port: wss.address().port }));
  wss.on('connection', (ws, req) => {
    const client = clients.push(ws) - 1;
    parentPort.postMessage({ type: 'connection', client, url: req.url, headers: req.headers });
    ws.on('message', (data, binary) => {
      parentPort.postMessage({ type: 'message', client, data, binary });
      if (workerData.echo) ws.send(data, { binary });
    });
    ws.on('close', (code, reason) => parentPort.postMessage({ type: 'close', client, code, reason: reason.toString('utf8') }));
  });
  parentPort.on('message', (m) => {
    const ws = clients[m.client];
    if (!ws) return;
    if (m.op === 'send') ws.send(Buffer.from(m.data), { binary: m.binary });
    else if (m.op === 'close') ws.close(m.code, m.reason);
    else if (m.op === 'terminate') ws.terminate();
  });
}

if (!isMainThread && workerData?.role === ROLE) runWorker();

module.exports = { LoopbackServer };

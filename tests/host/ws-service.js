'use strict';
// The network side of the WebSocket host service, in a worker thread.
//
// Host functions are synchronous wasm imports, but connecting and writing are asynchronous in
// Node. Navidrome's host functions block until the handshake/write is done, so the main thread
// posts a request to this worker and blocks in Atomics.wait until the worker has answered; the
// answer is then taken off a MessagePort with receiveMessageOnPort. Incoming frames and closes are
// posted back as ordinary (asynchronous) messages, in the order each socket produced them.

const { Worker, MessageChannel, receiveMessageOnPort, isMainThread, parentPort, workerData } = require('node:worker_threads');

const ROLE = 'nd-ws-service';

// gorilla/websocket's CloseError.Error() wording, which Navidrome passes to on_error.
const CLOSE_TEXT = {
  1000: ' (normal)', 1001: ' (going away)', 1002: ' (protocol error)', 1003: ' (unsupported data)',
  1005: ' (no status)', 1006: ' (abnormal closure)', 1007: ' (invalid payload data)', 1008: ' (policy violation)',
  1009: ' (message too big)', 1010: ' (mandatory extension missing)', 1011: ' (internal server error)', 1015: ' (TLS handshake error)',
};
function closeErrorText(code, reason) {
  // A TCP close without a close frame is gorilla's CloseError{1006, "unexpected EOF"}.
  const text = code === 1006 && reason === '' ? 'unexpected EOF' : reason;
  return `websocket: close ${code}${CLOSE_TEXT[code] ?? ''}${text ? ': ' + text : ''}`;
}

// Go's net/http dial errors, roughly, for the common failures.
function dialErrorText(err, url) {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${err.address}:${err.port}: connect: connection refused`;
  if (err.code === 'ENOTFOUND') return `dial tcp: lookup ${err.hostname}: no such host`;
  if (/Unexpected server response/.test(err.message)) return 'websocket: bad handshake';
  return `${err.message} (${url})`;
}

// ---- Main-thread client -----------------------------------------------------------------------

class WsService {
  // onEvent({type: 'text'|'binary', id, data: Buffer} | {type: 'close', id, code, reason: Buffer}
  //         | {type: 'error', id, error: string})
  constructor({ onEvent, handshakeTimeoutMs = 30000 }) {
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.replyPort = port1;
    this.replyPort.unref();
    this.timeoutMs = handshakeTimeoutMs + 5000;
    this.worker = new Worker(__filename, {
      workerData: { role: ROLE, flag: this.flag, replyPort: port2, handshakeTimeoutMs },
      transferList: [port2],
    });
    this.worker.on('message', (ev) => {
      if (ev.data) ev.data = Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.byteLength);
      if (ev.reason) ev.reason = Buffer.from(ev.reason.buffer, ev.reason.byteOffset, ev.reason.byteLength);
      onEvent(ev);
    });
    this.worker.on('error', (e) => onEvent({ type: 'service-error', error: e.message }));
  }

  #request(msg) {
    while (receiveMessageOnPort(this.replyPort)); // drop an answer that came after a timeout
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage(msg);
    if (Atomics.wait(this.flag, 0, 0, this.timeoutMs) === 'timed-out') {
      return { error: `websocket service did not answer within ${this.timeoutMs} ms` };
    }
    return receiveMessageOnPort(this.replyPort).message;
  }

  connect(url, headers, id) {
    return this.#request({ op: 'connect', url, headers, id });
  }

  send(id, binary, data) {
    return this.#request({ op: 'send', id, binary, data });
  }

  close(id, code, reason) {
    return this.#request({ op: 'close', id, code, reason });
  }

  // Close every connection with 1001 "plugin unloaded" (Navidrome's unload) and return their ids.
  shutdown() {
    return this.#request({ op: 'shutdown' }).ids ?? [];
  }

  terminate() {
    return this.worker.terminate();
  }
}

// ---- Worker -------------------------------------------------------------------------------------

function runWorker() {
  const WebSocket = require('ws');
  const { flag, replyPort, handshakeTimeoutMs } = workerData;
  const conns = new Map(); // id -> { ws, closedByPlugin, error }

  const reply = (msg) => {
    replyPort.postMessage(msg);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const post = (ev) => parentPort.postMessage(ev);

  const ops = {
    async connect({ url, headers, id }) {
      if (conns.has(id)) return { error: `connection ID "${id}" already exists` };
      let ws;
      try {
        // gorilla's dialer offers no compression and does not validate UTF-8: neither do we.
        ws = new WebSocket(url, { headers, handshakeTimeout: handshakeTimeoutMs, perMessageDeflate: false, skipUTF8Validation: true });
      } catch (e) {
        return { error: `failed to connect: ${e.message}` };
      }
      const opened = await new Promise((resolve) => {
        ws.once('open', () => resolve(null));
        ws.once('error', (e) => resolve(e));
      });
      if (opened) {
        ws.terminate();
        return { error: `failed to connect: ${dialErrorText(opened, url)}` };
      }
      const c = { ws, closedByPlugin: false, error: null };
      conns.set(id, c);
      ws.on('message', (data, isBinary) => post({ type: isBinary ? 'binary' : 'text', id, data }));
      ws.on('error', (e) => {
        c.error ??= e;
      });
      ws.on('close', (code, reason) => {
        if (conns.get(id) === c) conns.delete(id);
        if (c.closedByPlugin) return;
        if (c.error) post({ type: 'error', id, error: c.error.message });
        else if (code === 1000 || code === 1001 || code === 1005) post({ type: 'close', id, code, reason });
        else post({ type: 'error', id, error: closeErrorText(code, reason.toString('utf8')) });
      });
      return { ok: true };
    },

    async send({ id, binary, data }) {
      const c = conns.get(id);
      if (!c) return { error: `connection ID "${id}" not found` };
      const kind = binary ? 'binary' : 'text';
      if (c.ws.readyState !== WebSocket.OPEN) return { error: `failed to send ${kind} message: websocket: close sent` };
      const err = await new Promise((resolve) => c.ws.send(Buffer.from(data), { binary }, resolve));
      return err ? { error: `failed to send ${kind} message: ${err.message}` } : { ok: true };
    },

    async close({ id, code, reason }) {
      const c = conns.get(id);
      if (!c) return { error: `connection ID "${id}" not found` };
      conns.delete(id);
      c.closedByPlugin = true; // the read loop must not report this close
      try {
        // gorilla sends an empty close payload for 1005; ws does the same for close().
        if (code === 1005) c.ws.close();
        else c.ws.close(code, reason);
      } catch {
        // ws refuses codes it deems invalid and reasons over 123 bytes. gorilla's WriteControl
        // fails on the latter too (error ignored) and then closes the TCP connection: so do we.
        c.ws.terminate();
      }
      return { ok: true };
    },

    async shutdown() {
      const ids = [...conns.keys()];
      const closed = ids.map((id) => {
        const c = conns.get(id);
        c.closedByPlugin = true;
        if (c.ws.readyState === WebSocket.CLOSED) return null;
        const done = new Promise((resolve) => c.ws.once('close', resolve));
        c.ws.close(1001, 'plugin unloaded');
        return done;
      });
      conns.clear();
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 2000))]);
      return { ids };
    },
  };

  parentPort.on('message', (req) => {
    ops[req.op](req).then(reply, (e) => reply({ error: e.message }));
  });
}

if (!isMainThread && workerData?.role === ROLE) runWorker();

module.exports = { WsService };

#!/usr/bin/env node
'use strict';
// Runs a Navidrome WebSocket plugin the way Navidrome does, without Navidrome:
//  - loads NAME.ndp (or a .wasm plus --manifest), validates the manifest, refuses missing imports;
//  - registers the websocket_* host functions only when the manifest asks for the permission;
//  - a FRESH plugin instance for every call (nd_on_init, each event), as plugins/manager_call.go;
//  - real connections (npm ws, in a worker thread), events delivered per connection in order,
//    inputs encoded byte for byte like Go's json.Marshal;
//  - logs every callback with its result and duration, and the plugin's own log lines.
// Library: NdHost, runDemo (LoopbackServer is in loopback.js). CLI: see usage() below.

const crypto = require('node:crypto');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Kernel, ExtismPlugin, checkImports, ENV, USER, ENV_SIGNATURES, USER_SIGNATURE } = require('./kernel');
const { marshal, callbackInput, unmarshalStruct } = require('./gojson');
const { loadPackage, parseUrl, isHostAllowed } = require('./ndp');
const { WsService } = require('./ws-service');
const { LoopbackServer } = require('./loopback');

const ON_TEXT = 'nd_websocket_on_text_message';
const ON_BINARY = 'nd_websocket_on_binary_message';
const ON_ERROR = 'nd_websocket_on_error';
const ON_CLOSE = 'nd_websocket_on_close';
const ON_INIT = 'nd_on_init';

// Request structs of Navidrome's plugins/host/websocket_gen.go.
const REQUESTS = {
  websocket_connect: { typeName: 'WebSocketConnectRequest', fields: { url: 'string', headers: 'map[string]string', connectionId: 'string' } },
  websocket_sendtext: { typeName: 'WebSocketSendTextRequest', fields: { connectionId: 'string', message: 'string' } },
  websocket_sendbinary: { typeName: 'WebSocketSendBinaryRequest', fields: { connectionId: 'string', data: 'bytes' } },
  websocket_closeconnection: { typeName: 'WebSocketCloseConnectionRequest', fields: { connectionId: 'string', code: 'int32', reason: 'string' } },
};

// Navidrome's id.NewRandom(): 22 random alphanumerics.
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomId = () => Array.from(crypto.randomBytes(22), (b) => ALNUM[b % ALNUM.length]).join('');

const preview = (buf, max = 200) => {
  const s = buf.toString('utf8');
  return s.length > max ? `${s.slice(0, max)}… (${buf.length} bytes)` : s;
};

class NdHost {
  // file: NAME.ndp or NAME.wasm. opts:
  //   runtime: 'extism' (npm @extism/extism, default) | 'strict' (kernel.js)
  //   manifest: object or path (for a .wasm)       config: { key: value }
  //   log: (entry) => void                          handshakeTimeoutMs (default 30000)
  //   maxPages, maxKernelBytes: passed to the strict kernel
  static async load(file, opts = {}) {
    const host = new NdHost(loadPackage(file, opts.manifest), opts);
    await host.#start();
    return host;
  }

  logs = [];
  #waiters = new Set();
  #queues = new Map(); // connection id -> tail of its callback chain
  #pending = new Set(); // callback promises not settled yet
  #open = new Set(); // connection ids the host considers open
  #service = null;

  constructor(pkg, opts) {
    this.id = pkg.id;
    this.manifest = pkg.manifest;
    this.warnings = pkg.warnings;
    this.wasm = pkg.wasm;
    this.opts = { runtime: 'extism', config: {}, handshakeTimeoutMs: 30000, ...opts };
    const permission = this.manifest.permissions?.websocket;
    this.requiredHosts = permission ? permission.requiredHosts ?? [] : null;
  }

  async #start() {
    const functions = this.requiredHosts ? this.#websocketFunctions() : {};
    // Navidrome (wazero) refuses a module importing anything it was not given, whatever runtime.
    checkImports(this.wasm, { [ENV]: ENV_SIGNATURES, [USER]: Object.fromEntries(Object.keys(functions).map((n) => [n, USER_SIGNATURE])) });
    const runtimeOpts = {
      functions,
      config: this.opts.config,
      log: (level, text) => this.#log(level, 'plugin log', { text }),
      maxPages: this.opts.maxPages,
      maxKernelBytes: this.opts.maxKernelBytes,
    };
    if (this.opts.runtime === 'strict') this.runtime = await Kernel.load(this.wasm, runtimeOpts);
    else if (this.opts.runtime === 'extism') this.runtime = await ExtismPlugin.load(this.wasm, runtimeOpts);
    else throw new Error(`unknown runtime "${this.opts.runtime}" (use extism or strict)`);
    for (const w of this.warnings) this.#log('warn', w);
    this.#log('info', 'plugin loaded', {
      runtime: this.opts.runtime,
      version: this.manifest.version,
      websocket: this.requiredHosts ? this.requiredHosts.join(',') || '(no hosts)' : 'not permitted',
    });
  }

  // ---- logging ----

  #log(level, msg, fields = {}) {
    const entry = { time: new Date().toISOString(), level, msg, plugin: this.id, ...fields };
    this.logs.push(entry);
    this.opts.log?.(entry);
    for (const w of this.#waiters) {
      if (w.pred(entry)) {
        this.#waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(entry);
      }
    }
  }

  // Resolves with the first log entry (already logged or future) matching pred.
  waitFor(pred, timeoutMs = 5000, what = 'log entry') {
    const found = this.logs.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.#waiters.delete(w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(w);
    });
  }

  // ---- calls ----

  // One call of an export on a fresh instance, logged like a server logs callbacks.
  // Starts synchronously (see the runtimes), so a host function can nest it.
  call(name, input = Buffer.alloc(0), connectionId) {
    const start = process.hrtime.bigint();
    const running = this.runtime.call(name, input).then((r) => {
      const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
      const failure = r.missing
        ? `function "${name}" is not exported`
        : r.trap
          ? `trap: ${r.trap}`
          : r.error !== null
            ? `plugin call failed: ${r.error}`
            : r.rc !== null && r.rc !== 0
              ? `returned non-zero exit code: ${r.rc}`
              : outputProblem(r.output);
      const entry = { export: name, ok: failure === null, durationMs: Math.round(durationMs * 1000) / 1000 };
      if (connectionId !== undefined) entry.connectionId = connectionId;
      if (failure) entry.error = failure;
      if (r.output) entry.output = preview(r.output);
      if (r.violations.length) entry.violations = r.violations;
      this.#log(failure ? 'error' : 'info', 'callback', entry);
      return r;
    });
    this.#pending.add(running);
    running.finally(() => this.#pending.delete(running)).catch(() => {});
    return running;
  }

  async init() {
    if (!this.runtime.has(ON_INIT)) return null;
    return this.call(ON_INIT, Buffer.from('{}'));
  }

  // Resolves once no callback is queued or running.
  async idle() {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  get openConnections() {
    return [...this.#open];
  }

  // Unload like Navidrome: close every connection with 1001 "plugin unloaded", call on_close for
  // each, wait for the callbacks, stop the network thread.
  async close() {
    await this.idle();
    if (this.#service) {
      for (const id of this.#service.shutdown()) {
        this.#open.delete(id);
        this.call(ON_CLOSE, callbackInput.close(id, 1001, 'plugin unloaded'), id);
      }
      await this.idle();
      await this.#service.terminate();
      this.#service = null;
    }
  }

  // ---- events from the network thread ----

  #onEvent(ev) {
    if (ev.type === 'service-error') {
      this.#log('error', 'websocket service failed', { error: ev.error });
      return;
    }
    let name;
    let input;
    if (ev.type === 'text') {
      name = ON_TEXT;
      input = callbackInput.text(ev.id, ev.data);
    } else if (ev.type === 'binary') {
      name = ON_BINARY;
      input = callbackInput.binary(ev.id, ev.data);
    } else if (ev.type === 'close') {
      this.#open.delete(ev.id);
      this.#log('info', 'websocket closed by peer', { connectionId: ev.id, code: ev.code, reason: ev.reason.toString('utf8') });
      name = ON_CLOSE;
      input = callbackInput.close(ev.id, ev.code, ev.reason);
    } else {
      this.#open.delete(ev.id);
      this.#log('warn', 'websocket read failed', { connectionId: ev.id, error: ev.error });
      name = ON_ERROR;
      input = callbackInput.error(ev.id, ev.error);
    }
    // One read loop per connection in Navidrome: a connection's callbacks never overlap.
    const prev = this.#queues.get(ev.id) ?? Promise.resolve();
    const next = prev.then(() => this.call(name, input, ev.id));
    this.#queues.set(ev.id, next);
    this.#pending.add(next);
    next.finally(() => {
      this.#pending.delete(next);
      if (this.#queues.get(ev.id) === next) this.#queues.delete(ev.id);
    }).catch(() => {});
  }

  #ws() {
    this.#service ??= new WsService({ onEvent: (ev) => this.#onEvent(ev), handshakeTimeoutMs: this.opts.handshakeTimeoutMs });
    return this.#service;
  }

  // ---- the host service (extism:host/user) ----

  #websocketFunctions() {
    const serve = (name, handler) => (ctx, handle) => {
      let response;
      let req = null;
      try {
        req = unmarshalStruct(ctx.readBytes(handle), REQUESTS[name]);
        response = handler(req);
      } catch (e) {
        response = { error: e.message };
      }
      this.#log(response.error ? 'warn' : 'debug', 'host function', {
        function: name,
        connectionId: response.newConnectionId ?? req?.connectionId,
        ...(response.error ? { error: response.error } : {}),
      });
      return ctx.writeBytes(marshal(response));
    };
    const result = (r) => {
      if (r.error) throw new Error(r.error);
      return {};
    };
    return {
      websocket_connect: serve('websocket_connect', (req) => {
        const { scheme, host } = parseUrl(req.url);
        if (scheme !== 'ws' && scheme !== 'wss') throw new Error('invalid URL scheme: must be ws:// or wss://');
        if (!isHostAllowed(this.requiredHosts, host)) throw new Error(`host "${host}" is not allowed`);
        const id = req.connectionId || randomId();
        result(this.#ws().connect(req.url, req.headers ?? {}, id));
        this.#open.add(id);
        this.#log('info', 'websocket connected', { connectionId: id, url: req.url });
        return { newConnectionId: id };
      }),
      websocket_sendtext: serve('websocket_sendtext', (req) => result(this.#ws().send(req.connectionId, false, Buffer.from(req.message, 'utf8')))),
      websocket_sendbinary: serve('websocket_sendbinary', (req) => result(this.#ws().send(req.connectionId, true, req.data ?? Buffer.alloc(0)))),
      websocket_closeconnection: serve('websocket_closeconnection', (req) => {
        result(this.#ws().close(req.connectionId, req.code, req.reason));
        this.#open.delete(req.connectionId);
        this.#log('info', 'websocket closed by plugin', { connectionId: req.connectionId, code: req.code, reason: req.reason });
        // Navidrome calls on_close right here, inside the host function, with the plugin's values.
        this.call(ON_CLOSE, callbackInput.close(req.connectionId, req.code, req.reason), req.connectionId);
        return {};
      }),
    };
  }
}

// Rule of plugins/manager_call.go: output, if any, must be a JSON object or null.
function outputProblem(output) {
  if (!output || output.length === 0) return null;
  try {
    const v = JSON.parse(output.toString('utf8'));
    if (v === null || (typeof v === 'object' && !Array.isArray(v))) return null;
  } catch {
    // fall through
  }
  return `output is not a JSON object: ${preview(output, 80)}`;
}

// ---- demo ---------------------------------------------------------------------------------------

// A conversation with the echo example: the SERVER sends, the plugin echoes back. Returns true
// when every round trip came back identical and the plugin closed cleanly.
async function runDemo({ plugin, runtime = 'extism', config = {}, log, print = console.log, timeoutMs = 5000 }) {
  const server = await LoopbackServer.start({ timeoutMs });
  const show = (buf, binary) =>
    binary
      ? `${buf.length} bytes ${buf.subarray(0, 6).toString('hex')}…${buf.subarray(-3).toString('hex')}`
      : JSON.stringify(buf.toString('utf8')).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  let host = null;
  let failures = 0;
  const check = (ok, text) => {
    if (!ok) failures++;
    print(`${ok ? '   ok ' : ' FAIL '} ${text}`);
  };
  try {
    host = await NdHost.load(plugin, { runtime, config: { url: server.url, ...config }, log });
    print(`demo: plugin ${host.id} (${runtime} runtime), server ${server.url}`);
    await host.init();
    await server.next((e) => e.type === 'connection', 'the plugin to connect');
    check(true, 'plugin connected to the server');

    const rounds = [
      { binary: false, data: Buffer.from('héllo wörld ✓ <&> "quoted" \u2028 😀', 'utf8') },
      { binary: true, data: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
    ];
    for (const { binary, data } of rounds) {
      print(`server -> plugin  ${binary ? 'binary' : 'text  '} ${show(data, binary)}`);
      server.send(data, { binary });
      const back = await server.next((e) => e.type === 'message', 'the echo');
      print(`plugin -> server  ${back.binary ? 'binary' : 'text  '} ${show(back.data, back.binary)}`);
      check(back.binary === binary && Buffer.compare(back.data, data) === 0, `${binary ? 'binary' : 'text'} round trip identical`);
    }

    print('server -> plugin  text   "bye"');
    server.send('bye');
    const closed = await server.next((e) => e.type === 'close' || e.type === 'message', 'the close');
    print(closed.type === 'close' ? `plugin -> server  close  ${closed.code} ${JSON.stringify(closed.reason)}` : `plugin -> server  unexpected ${show(closed.data, closed.binary)}`);
    check(closed.type === 'close' && closed.code === 1000 && closed.reason === 'bye', 'plugin closed with 1000 "bye"');
    const onClose = await host.waitFor((e) => e.msg === 'callback' && e.export === ON_CLOSE, timeoutMs, 'on_close');
    check(onClose.ok, `host called ${ON_CLOSE} for the plugin's own close${onClose.ok ? '' : `: ${onClose.error}`}`);
    await host.idle();
    const failed = host.logs.filter((e) => e.msg === 'callback' && !e.ok);
    check(failed.length === 0, `every callback succeeded${failed.length ? `: ${failed.map((e) => e.error).join('; ')}` : ''}`);
  } catch (e) {
    check(false, e.message);
  } finally {
    await host?.close();
    await server.stop();
  }
  print(failures ? `demo: ${failures} check(s) failed` : 'demo: all checks passed');
  return failures === 0;
}

// ---- CLI --------------------------------------------------------------------------------------

function usage() {
  return `usage: node nd-host.js [options] PLUGIN.ndp|PLUGIN.wasm

Runs a Navidrome WebSocket plugin like Navidrome does: nd_on_init, then callbacks for every
event of the connections it opens, each on a fresh instance, until no connection is left.

  --runtime extism|strict  npm @extism/extism (default) or the strict kernel (kernel.js)
  --manifest FILE          manifest.json for a bare .wasm
  --config KEY=VALUE       plugin config (repeatable), read with config_get
  --echo                   start a loopback echo server and set config url to it (unless given)
  --demo                   scripted conversation with the echo example (exit 1 on a mismatch)
  --timeout SECONDS        unload the plugin after this long at the latest (default 60;
                           0: no limit). It is unloaded earlier once no connection is open.
  --json                   log one JSON object per line
  --quiet                  only warnings and errors
  --verbose                also debug lines (every host function call)
  -h, --help`;
}

function formatEntry(e) {
  const { time, level, msg, plugin, ...rest } = e;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/[\s"=]/.test(v) && v !== '' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level.toUpperCase().padEnd(5)} [${plugin}] ${msg}${fields ? ' ' + fields : ''}`;
}

async function main(argv) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        runtime: { type: 'string', default: 'extism' },
        manifest: { type: 'string' },
        config: { type: 'string', multiple: true, default: [] },
        echo: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '60' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    console.error(`${e.message}\n${usage()}`);
    return 2;
  }
  const { values: o, positionals } = args;
  if (o.help || positionals.length !== 1) {
    (o.help ? console.log : console.error)(usage());
    return o.help ? 0 : 2;
  }
  const seconds = Number(o.timeout);
  if (!Number.isFinite(seconds) || seconds < 0) {
    console.error(`--timeout expects a number of seconds, got "${o.timeout}"`);
    return 2;
  }
  const config = {};
  for (const kv of o.config) {
    const i = kv.indexOf('=');
    if (i <= 0) {
      console.error(`--config expects KEY=VALUE, got "${kv}"`);
      return 2;
    }
    config[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const log = (e) => {
    if (e.level === 'debug' && !o.verbose) return;
    if (o.quiet && e.level === 'info') return;
    console.log(o.json ? JSON.stringify(e) : formatEntry(e));
  };
  const plugin = path.resolve(positionals[0]);

  if (o.demo) {
    const print = o.json ? (text) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'demo', text })) : console.log;
    return (await runDemo({ plugin, runtime: o.runtime, config, log, print })) ? 0 : 1;
  }

  let echo = null;
  let host = null;
  try {
    if (o.echo) {
      echo = await LoopbackServer.start({ echo: true });
      config.url ??= echo.url;
      log({ time: new Date().toISOString(), level: 'info', msg: 'echo server listening', plugin: '-', url: echo.url });
    }
    host = await NdHost.load(plugin, { runtime: o.runtime, manifest: o.manifest, config, log });
    const init = await host.init();
    await host.idle();
    const deadline = seconds > 0 ? Date.now() + seconds * 1000 : Infinity;
    let interrupted = false;
    const onSignal = () => {
      interrupted = true;
    };
    process.once('SIGINT', onSignal);
    while (!interrupted && Date.now() < deadline && host.openConnections.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.off('SIGINT', onSignal);
    await host.close();
    return init && !init.ok ? 1 : 0;
  } catch (e) {
    log({ time: new Date().toISOString(), level: 'error', msg: 'plugin failed to load', plugin: path.basename(plugin), error: e.message });
    await host?.close();
    return 1;
  } finally {
    await echo?.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

module.exports = { NdHost, runDemo, ON_TEXT, ON_BINARY, ON_ERROR, ON_CLOSE, ON_INIT };

'use strict';
// Two Extism hosts with one call signature:
//  - Kernel: a STRICT host on the raw WebAssembly API that behaves like the Rust kernel the Extism
//    Go SDK (hence Navidrome) uses, and records every out-of-bounds access instead of hiding it.
//  - ExtismPlugin: a thin adapter over npm @extism/extism 1.0.3, quirks left as they are.
// Both return, for call(name, input):
//   { ok, rc, output: Buffer|null, error: string|null, trap: string|null, missing, violations: [] }

const fs = require('node:fs');

const ENV = 'extism:host/env';
const USER = 'extism:host/user';

// Wasm signatures of the env functions, as the Rust kernel declares them. A module declaring one
// differently is refused, as wazero refuses it (a C prototype with `int` instead of `uint64_t`
// would otherwise "work" in JS through silent number conversion).
const ENV_SIGNATURES = {
  input_length: '() -> (i64)',
  input_load_u8: '(i64) -> (i32)',
  input_load_u64: '(i64) -> (i64)',
  input_offset: '() -> (i64)',
  alloc: '(i64) -> (i64)',
  free: '(i64) -> ()',
  length: '(i64) -> (i64)',
  length_unsafe: '(i64) -> (i64)',
  load_u8: '(i64) -> (i32)',
  load_u64: '(i64) -> (i64)',
  store_u8: '(i64, i32) -> ()',
  store_u64: '(i64, i64) -> ()',
  output_set: '(i64, i64) -> ()',
  error_set: '(i64) -> ()',
  config_get: '(i64) -> (i64)',
  var_get: '(i64) -> (i64)',
  var_set: '(i64, i64) -> ()',
  log_info: '(i64) -> ()',
  log_debug: '(i64) -> ()',
  log_warn: '(i64) -> ()',
  log_error: '(i64) -> ()',
};
const USER_SIGNATURE = '(i64) -> (i64)';


// ---- Reading the import section (WebAssembly.Module.imports() has no types in Node 20) ------

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

function parseImports(bytes) {
  const b = Buffer.from(bytes);
  let p = 8; // magic + version
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++];
      result += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return result;
      shift += 7;
    }
  };
  const name = () => {
    const n = u32();
    const s = b.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  const limits = () => {
    const flags = b[p++];
    u32();
    if (flags & 1) u32();
  };
  const types = [];
  const imports = [];
  while (p < b.length) {
    const id = b[p++];
    const size = u32();
    const end = p + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        if (b[p++] !== 0x60) throw new Error('unsupported type form');
        const params = [];
        const results = [];
        for (let k = u32(); k > 0; k--) params.push(VALTYPES[b[p++]]);
        for (let k = u32(); k > 0; k--) results.push(VALTYPES[b[p++]]);
        types.push(`(${params.join(', ')}) -> (${results.join(', ')})`);
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const module = name();
        const field = name();
        const kind = b[p++];
        if (kind === 0) imports.push({ module, name: field, kind: 'function', signature: types[u32()] });
        else if (kind === 1) {
          p++;
          limits();
          imports.push({ module, name: field, kind: 'table' });
        } else if (kind === 2) {
          limits();
          imports.push({ module, name: field, kind: 'memory' });
        } else if (kind === 3) {
          p += 2;
          imports.push({ module, name: field, kind: 'global' });
        } else throw new Error(`unsupported import kind ${kind}`);
      }
      return imports;
    }
    p = end;
  }
  return imports;
}

// Refuse a module that imports anything not provided, with wazero's wording (what Navidrome logs).
// provided: { moduleName: { functionName: signature } }
function checkImports(bytes, provided) {
  for (const imp of parseImports(bytes)) {
    const sig = provided[imp.module]?.[imp.name];
    if (imp.kind !== 'function' || !sig) throw new Error(`"${imp.name}" is not exported in module "${imp.module}"`);
    if (sig !== imp.signature) {
      throw new Error(`import func[${imp.module}.${imp.name}]: signature mismatch: module declares ${imp.signature}, host provides ${sig}`);
    }
  }
}

const readSource = (src) => (typeof src === 'string' ? fs.readFileSync(src) : Buffer.from(src));
const exportedFunctions = (module) => new Set(WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name));

// ---- Kernel memory ----------------------------------------------------------------------------

// Blocks live outside linear memory, as in the Rust kernel; handles are their offsets in this
// memory, so they are small and non-zero. Allocation is a bump pointer: a call's memory is
// thrown away when the call ends, so nothing is ever reused (stale handles stay detectable).
const FIRST_HANDLE = 8;
const HARD_LIMIT = 1 << 30; // keep a runaway plugin from exhausting Node's heap

class KernelMemory {
  constructor(capBytes, violations) {
    this.buf = Buffer.alloc(1 << 16);
    this.top = FIRST_HANDLE;
    this.used = 0;
    this.cap = Math.min(capBytes ?? HARD_LIMIT, HARD_LIMIT);
    this.blocks = []; // sorted by offset (bump allocation)
    this.byHandle = new Map();
    this.violations = violations;
  }

  alloc(n) {
    if (n <= 0 || this.used + n > this.cap) return 0;
    const offset = this.top;
    this.top = offset + Math.ceil(n / 8) * 8;
    if (this.top > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.top));
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    const block = { offset, size: n, live: true, hostOwned: false };
    this.blocks.push(block);
    this.byHandle.set(offset, block);
    this.used += n;
    return offset;
  }

  // The live block starting at handle h, or null.
  block(h) {
    const b = this.byHandle.get(h);
    return b && b.live ? b : null;
  }

  // The live block containing [addr, addr + len), or null.
  locate(addr, len) {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.blocks[mid];
      if (addr < b.offset) hi = mid - 1;
      else if (addr >= b.offset + b.size) lo = mid + 1;
      else return b.live && addr + len <= b.offset + b.size ? b : null;
    }
    return null;
  }

  bytes(b) {
    return this.slice(b.offset, b.size);
  }

  slice(start, len) {
    return Buffer.from(this.buf.subarray(start, start + len));
  }

  store(bytes) {
    const h = this.alloc(bytes.length);
    if (h) Buffer.from(bytes).copy(this.buf, h);
    return h;
  }

  free(b) {
    b.live = false;
    this.used -= b.size;
  }
}

// i64 arguments arrive as BigInt and may be "negative"; anything beyond 2^53 is out of range anyway.
const addr = (x) => {
  const u = BigInt.asUintN(64, BigInt(x));
  return u > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(u);
};
const hex = (n) => '0x' + n.toString(16);

// ---- The strict kernel --------------------------------------------------------------------------

class Kernel {
  // opts:
  //   functions: { name: (ctx, handle: bigint) => bigint }   extism:host/user, all (i64) -> i64;
  //              ctx.readBytes(h) -> Buffer, ctx.writeBytes(Buffer|string) -> bigint handle
  //   config:    { key: value }                               for config_get
  //   log:       (level, text) => void                        log_info/debug/warn/error
  //   fresh:     new instance (and _initialize) per call, like Navidrome (default true)
  //   maxPages:  cap on linear memory pages; checked after _initialize and after every call,
  //              a module above it fails the call (wasm can't be stopped mid-grow from JS)
  //   maxKernelBytes: alloc fails (returns 0) beyond this many live bytes
  static async load(src, opts = {}) {
    const bytes = readSource(src);
    const functions = opts.functions ?? {};
    const user = Object.fromEntries(Object.keys(functions).map((n) => [n, USER_SIGNATURE]));
    checkImports(bytes, { [ENV]: ENV_SIGNATURES, [USER]: user });
    return new Kernel(await WebAssembly.compile(bytes), opts);
  }

  constructor(module, opts) {
    this.module = module;
    this.opts = { fresh: true, config: {}, functions: {}, log: () => {}, ...opts };
    this.exports = exportedFunctions(module);
    this.shared = null; // the reused instance when opts.fresh is false
  }

  has(name) {
    return this.exports.has(name);
  }

  async call(name, input) {
    return this.callSync(name, input);
  }

  // Synchronous, so a host function can run a nested call (Navidrome invokes on_close from
  // inside websocket_closeconnection) and get its result before returning to the plugin.
  callSync(name, input = Buffer.alloc(0)) {
    const violations = [];
    const result = { ok: false, rc: null, output: null, error: null, trap: null, missing: false, violations };
    if (!this.exports.has(name)) {
      result.missing = true;
      result.error = `unknown function: ${name}`;
      return result;
    }
    let inst;
    try {
      inst = this.opts.fresh || !this.shared ? this.#instantiate() : this.shared;
      if (!this.opts.fresh) this.shared = inst;
    } catch (e) {
      result.trap = `instantiation failed: ${e.message}`;
      return result;
    }
    if (inst.state.frame) {
      result.trap = 're-entrant call on a shared instance (use fresh: true)';
      return result;
    }
    const mem = new KernelMemory(this.opts.maxKernelBytes, violations);
    const data = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
    const inputHandle = mem.store(data);
    const frame = { mem, violations, inputHandle, inputLength: data.length, output: null, errorHandle: 0 };
    inst.state.frame = frame;
    try {
      const rc = inst.instance.exports[name]();
      result.rc = rc === undefined ? 0 : Number(rc);
    } catch (e) {
      result.trap = e instanceof Error ? e.message : String(e);
    } finally {
      inst.state.frame = null;
    }
    const pagesError = this.#checkPages(inst.instance);
    if (pagesError) result.trap ??= pagesError;
    if (frame.errorHandle) {
      const b = mem.byHandle.get(frame.errorHandle);
      const text = mem.bytes(b).toString('utf8');
      if (text !== '') result.error = text;
    }
    if (frame.output) result.output = mem.slice(frame.output.addr, frame.output.len);
    result.ok = !result.trap && result.rc === 0 && result.error === null;
    return result;
  }

  #checkPages(instance) {
    const memory = instance.exports.memory;
    if (!this.opts.maxPages || !(memory instanceof WebAssembly.Memory)) return null;
    const pages = memory.buffer.byteLength / 65536;
    return pages > this.opts.maxPages ? `linear memory is ${pages} pages, above the cap of ${this.opts.maxPages}` : null;
  }

  #instantiate() {
    const state = { frame: null, vars: new Map() };
    const instance = new WebAssembly.Instance(this.module, this.#imports(state));
    if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
    const pagesError = this.#checkPages(instance);
    if (pagesError) throw new Error(pagesError);
    return { instance, state };
  }

  #imports(state) {
    const { config, log, functions } = this.opts;
    const f = () => state.frame;
    const violation = (text) => f().violations.push(text);

    // Blocks handed to config_get, var_*, log_* are owned (freed) by the host since runtime 1.7.
    const take = (op, h) => {
      const b = f().mem.block(addr(h));
      if (!b) {
        violation(`${op}(${hex(addr(h))}): not a live block handle`);
        return null;
      }
      f().mem.free(b);
      return f().mem.bytes(b);
    };
    const logAt = (level) => (h) => {
      const bytes = take(`log_${level}`, h);
      if (bytes) log(level, bytes.toString('utf8'));
    };
    const inputByte = (op, off, len) => {
      const o = addr(off);
      if (o + len > f().inputLength) {
        violation(`${op}(${o}): past the end of the ${f().inputLength}-byte input`);
        return null;
      }
      return f().mem.buf.subarray(f().inputHandle + o, f().inputHandle + o + len);
    };
    const inBlock = (op, a, len) => {
      const b = f().mem.locate(addr(a), len);
      if (!b) violation(`${op}(${hex(addr(a))}): ${len} byte(s) outside any live block`);
      return b;
    };

    const env = {
      input_length: () => BigInt(f().inputLength),
      input_offset: () => BigInt(f().inputHandle),
      input_load_u8: (off) => inputByte('input_load_u8', off, 1)?.[0] ?? 0,
      input_load_u64: (off) => inputByte('input_load_u64', off, 8)?.readBigUInt64LE(0) ?? 0n,
      alloc: (n) => BigInt(f().mem.alloc(addr(n))),
      free: (h) => {
        if (addr(h) === 0) return;
        const b = f().mem.block(addr(h));
        if (!b) violation(`free(${hex(addr(h))}): not a live block handle (double free, or a block the host owns)`);
        else if (b.hostOwned) violation(`free(${hex(addr(h))}): block was passed to output_set/error_set and belongs to the host`);
        else f().mem.free(b);
      },
      length: (h) => {
        const b = f().mem.block(addr(h));
        if (!b) violation(`length(${hex(addr(h))}): not a live block handle`);
        return BigInt(b ? b.size : 0);
      },
      load_u8: (a) => (inBlock('load_u8', a, 1) ? f().mem.buf[addr(a)] : 0),
      load_u64: (a) => (inBlock('load_u64', a, 8) ? f().mem.buf.readBigUInt64LE(addr(a)) : 0n),
      store_u8: (a, v) => {
        if (inBlock('store_u8', a, 1)) f().mem.buf[addr(a)] = v & 0xff;
      },
      store_u64: (a, v) => {
        if (inBlock('store_u64', a, 8)) f().mem.buf.writeBigUInt64LE(BigInt.asUintN(64, v), addr(a));
      },
      // Honours the address AND the length: any sub-range of one live block is valid output.
      output_set: (a, n) => {
        const len = addr(n);
        if (len === 0) {
          f().output = { addr: 0, len: 0 };
          return;
        }
        const b = inBlock('output_set', a, len);
        if (!b) return;
        b.hostOwned = true;
        f().output = { addr: addr(a), len };
      },
      error_set: (h) => {
        if (addr(h) === 0) {
          f().errorHandle = 0;
          return;
        }
        const b = f().mem.block(addr(h));
        if (!b) violation(`error_set(${hex(addr(h))}): not a live block handle`);
        else {
          b.hostOwned = true;
          f().errorHandle = b.offset;
        }
      },
      config_get: (h) => {
        const key = take('config_get', h);
        if (!key) return 0n;
        const k = key.toString('utf8');
        if (!Object.hasOwn(config, k)) return 0n;
        return BigInt(f().mem.store(Buffer.from(String(config[k]))));
      },
      var_get: (h) => {
        const key = take('var_get', h);
        const v = key && state.vars.get(key.toString('utf8'));
        return v ? BigInt(f().mem.store(v)) : 0n;
      },
      var_set: (kh, vh) => {
        const key = take('var_set', kh);
        if (!key) return;
        if (addr(vh) === 0) state.vars.delete(key.toString('utf8'));
        else {
          const v = take('var_set', vh);
          if (v) state.vars.set(key.toString('utf8'), v);
        }
      },
      log_info: logAt('info'),
      log_debug: logAt('debug'),
      log_warn: logAt('warn'),
      log_error: logAt('error'),
    };
    env.length_unsafe = env.length;

    const ctx = {
      readBytes: (h) => {
        const b = f().mem.block(addr(h));
        if (!b) throw new Error(`invalid memory handle ${hex(addr(h))}`);
        return f().mem.bytes(b);
      },
      writeBytes: (data) => {
        const bytes = Buffer.from(data);
        const h = f().mem.store(bytes);
        if (!h && bytes.length > 0) throw new Error('kernel memory allocation failed');
        return BigInt(h);
      },
    };
    const user = {};
    for (const [name, fn] of Object.entries(functions)) user[name] = (h) => BigInt(fn(ctx, h) ?? 0n);
    return { [ENV]: env, [USER]: user };
  }
}

// ---- Adapter over npm @extism/extism 1.0.3 ---------------------------------------------------

// Same options and result shape as Kernel, with the JS SDK's own behaviour: the export's return
// value is discarded (rc is always null), error_set throws "Plugin-originated error: <msg>",
// output_set returns the whole block, out-of-bounds accesses throw (reported as traps), and there
// are no violations to report. _initialize is run by the adapter: without WASI the SDK never calls
// it, while Navidrome always does.
//
// A fresh plugin per call needs an asynchronous createPlugin, but a nested call (on_close from
// inside websocket_closeconnection) must start synchronously, so spare instances are kept ready.
class ExtismPlugin {
  static async load(src, opts = {}) {
    const { createPlugin } = require('@extism/extism');
    const module = await WebAssembly.compile(readSource(src));
    const plugin = new ExtismPlugin(module, createPlugin, opts);
    await plugin.#fill(2);
    return plugin;
  }

  #spare = [];
  #depth = 0;

  constructor(module, createPlugin, opts) {
    this.module = module;
    this.createPlugin = createPlugin;
    this.opts = { config: {}, functions: {}, log: () => {}, ...opts };
    this.exports = exportedFunctions(module);
  }

  has(name) {
    return this.exports.has(name);
  }

  async #create() {
    const { functions, config, log } = this.opts;
    const user = {};
    for (const [name, fn] of Object.entries(functions)) {
      user[name] = (cp, h) => {
        const ctx = {
          readBytes: (x) => {
            const out = cp.read(x);
            if (!out) throw new Error(`invalid memory handle ${x}`);
            return Buffer.from(out.bytes());
          },
          writeBytes: (data) => cp.store(new Uint8Array(Buffer.from(data))),
        };
        return BigInt(fn(ctx, h) ?? 0n);
      };
    }
    const logger = Object.fromEntries(['info', 'debug', 'warn', 'error'].map((level) => [level, (text) => log(level, String(text))]));
    const plugin = await this.createPlugin({ wasm: [{ module: this.module, name: 'main' }] }, { useWasi: false, functions: { [USER]: user }, config, logger });
    const instance = await plugin.getInstance('main');
    if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
    return plugin;
  }

  async #fill(n) {
    while (this.#spare.length < n) this.#spare.push(await this.#create());
  }

  async call(name, input = Buffer.alloc(0)) {
    const result = { ok: false, rc: null, output: null, error: null, trap: null, missing: false, violations: [] };
    if (!this.exports.has(name)) {
      result.missing = true;
      result.error = `unknown function: ${name}`;
      return result;
    }
    try {
      // Top-level calls keep one spare besides their own for nested calls.
      if (this.#depth === 0) while (this.#spare.length < 2) await this.#fill(2);
    } catch (e) {
      result.trap = `instantiation failed: ${e.message}`;
      return result;
    }
    const plugin = this.#spare.pop();
    if (!plugin) {
      result.trap = 'no spare instance left for a nested call';
      return result;
    }
    let pending;
    this.#depth++;
    try {
      // The wasm runs synchronously inside this call; only the result arrives via the promise.
      pending = plugin.call(name, new Uint8Array(typeof input === 'string' ? Buffer.from(input) : input));
    } finally {
      this.#depth--;
    }
    try {
      const out = await pending;
      result.output = out ? Buffer.from(out.bytes()) : null;
      result.ok = true;
    } catch (e) {
      const m = /^Plugin-originated error: ([\s\S]*)$/.exec(e.message);
      if (m) result.error = m[1];
      else result.trap = e.message;
    } finally {
      await plugin.close();
    }
    return result;
  }
}

module.exports = { Kernel, ExtismPlugin, checkImports, parseImports, ENV, USER, ENV_SIGNATURES, USER_SIGNATURE };

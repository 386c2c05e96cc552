'use strict';
// tests/bench/bench.js - `make bench` / `make bench-smoke`: runs every nd_ws benchmark, prints the
// tables and writes a machine-readable JSON file.
//
//   node --expose-gc tests/bench/bench.js [--smoke] [--build DIR] [--out FILE]
//
// 1. native: build/bench/core (tests/bench/core.c, clang -O2) - decode and encode throughput.
// 2. wasm:   the same core.c as wasm (plugin flags, and -msimd128 variants), timed from Node.
// 3. host:   per-event cost of real plugins in the strict kernel and in npm @extism/extism 1.0.3,
//            as a ratio to tests/bench/floor.c (reads the input, nothing else) in the same run.
// 4. sizes:  bytes and initial memory pages of build/*.wasm.
// Then the issue's targets, each "met" or "MISSED". Exit 1 only if a benchmark itself failed
// (a plugin call failed, a check did not hold); a missed target is reported, not an error.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const REPO = path.resolve(__dirname, '../..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SMOKE = argv.includes('--smoke');
const BUILD = path.resolve(REPO, opt('--build', 'build'));
const OUT = path.resolve(REPO, opt('--out', path.join(BUILD, SMOKE ? 'bench-smoke.json' : 'bench.json')));
const HOST = path.join(REPO, 'tests/host');
const { Kernel, USER } = require(path.join(HOST, 'kernel.js'));

const KiB = 1024;
const MiB = 1024 * KiB;
const sizeName = (n) => (n >= MiB ? `${n / MiB} MiB` : n >= KiB ? `${n / KiB} KiB` : `${n} B`);
const gc = typeof global.gc === 'function' ? global.gc : () => {};
const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.error(`bench: FAILED: ${what}`);
};
const artifact = (name) => {
  const file = path.join(BUILD, name);
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: run \`make\` and \`make test-plugins\` first`);
  return file;
};

// ---- 1. native ---------------------------------------------------------------------------------
function runNative() {
  let text;
  try {
    text = execFileSync(artifact('bench/core'), SMOKE ? ['--smoke'] : [], { encoding: 'utf8', maxBuffer: 1 << 24 });
  } catch (e) {
    text = e.stdout || '';
    fail(`native core exited with ${e.status} (a check failed; see "check" in the results)`);
  }
  const rows = text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  for (const r of rows) if (r.check !== 0) fail(`native ${r.op} ${r.kind} ${r.size}: check ${r.check}`);
  return rows;
}

// ---- 2. the core in wasm ------------------------------------------------------------------------
const OPS = ['text-decode', 'binary-decode', 'text-encode', 'binary-encode'];
const KINDS = ['ascii', 'escapes', 'utf8', 'random'];
const WASM_VARIANTS = [
  { name: 'wasm -Oz', file: 'bench/core-oz.wasm', flags: 'the plugin flags (-Oz -mbulk-memory)' },
  { name: 'wasm -Oz simd', file: 'bench/core-ozsimd.wasm', flags: 'plugin flags + -msimd128' },
  { name: 'wasm -O2 simd', file: 'bench/core-o2simd.wasm', flags: '-O2 -msimd128 (best case for the autovectorizer)' },
];
const WASM_CELLS = [
  ['text-decode', 'ascii'], ['text-decode', 'escapes'], ['binary-decode', 'random'],
  ['text-encode', 'ascii'], ['binary-encode', 'random'],
];

function runWasmCore() {
  const rows = [];
  const sizes = SMOKE ? [64 * KiB] : [64 * KiB, MiB];
  const runS = SMOKE ? 0.002 : 0.03;
  const runs = SMOKE ? 2 : 5;
  for (const v of WASM_VARIANTS) {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(artifact(v.file))), {});
    const x = inst.exports;
    x._initialize();
    for (const [op, kind] of WASM_CELLS) {
      for (const size of sizes) {
        const wire = x.bench_prepare(OPS.indexOf(op), KINDS.indexOf(kind), size) >>> 0;
        if (!wire) {
          fail(`${v.name} ${op} ${kind} ${size}: bench_prepare failed`);
          continue;
        }
        let iters = 1;
        for (;;) {
          const t = performance.now();
          if (x.bench_run(iters)) break;
          const s = (performance.now() - t) / 1000;
          if (s >= runS || iters >= 1 << 24) break;
          iters *= s < runS / 8 ? 8 : 2;
        }
        let best = Infinity;
        for (let r = 0; r < runs; r++) {
          const t = performance.now();
          const rc = x.bench_run(iters);
          const s = (performance.now() - t) / 1000 / iters;
          if (rc) {
            best = NaN;
            break;
          }
          best = Math.min(best, s);
        }
        const check = Number.isNaN(best) ? 9 : x.bench_check();
        if (check) fail(`${v.name} ${op} ${kind} ${size}: check ${check}`);
        rows.push({ variant: v.name, flags: v.flags, op, kind, size, wire, iters, ns: best * 1e9, mbps: wire / best / 1e6, check });
      }
    }
  }
  return rows;
}

// ---- 3. plugins in a host -------------------------------------------------------------------------
const ON_TEXT = 'nd_websocket_on_text_message';
const ON_BINARY = 'nd_websocket_on_binary_message';
const CASES = [
  { name: 'floor (text)', file: 'bench/floor.wasm', exp: ON_TEXT, input: 'text' },
  { name: 'minimal', file: 'minimal.wasm', exp: ON_TEXT, input: 'text', floor: 'floor (text)', out: true },
  { name: 'echo (text)', file: 'echo.wasm', exp: ON_TEXT, input: 'text', floor: 'floor (text)', out: true },
  { name: 'floor (binary)', file: 'bench/floor.wasm', exp: ON_BINARY, input: 'binary' },
  { name: 'all4 (binary)', file: 'all4.wasm', exp: ON_BINARY, input: 'binary', floor: 'floor (binary)', out: true },
  { name: 'echo (binary)', file: 'echo.wasm', exp: ON_BINARY, input: 'binary', floor: 'floor (binary)', out: true },
];
const WS_FUNCTIONS = ['websocket_connect', 'websocket_sendtext', 'websocket_sendbinary', 'websocket_closeconnection'];

// Inputs exactly as Navidrome's json.Marshal writes them: ASCII text without escapes, and random
// bytes as padded standard base64. The bytes come from AES-CTR over zeros: reproducible, and
// random enough that no branch predictor learns them (an LCG's bytes made base64 decoding look
// 25% faster than on real random data).
function randomBytes(n, seed) {
  const key = Buffer.alloc(16, seed);
  const c = require('node:crypto').createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([c.update(Buffer.alloc(n)), c.final()]);
}
function makeInputs(size) {
  const letters = Buffer.from('abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:!?-_()');
  const text = randomBytes(size, 1);
  for (let i = 0; i < size; i++) text[i] = letters[text[i] % letters.length];
  const bin = randomBytes(size, 2);
  // Each in a Uint8Array of its own: @extism/extism 1.0.3 takes a Uint8Array's whole ArrayBuffer
  // as the input block (a pooled Buffer would bring its neighbours along).
  const own = (b) => {
    const u = new Uint8Array(b.length);
    u.set(b);
    return u;
  };
  return {
    text: own(Buffer.concat([Buffer.from('{"connectionId":"bench","message":"'), text, Buffer.from('"}')])),
    binary: own(Buffer.from(`{"connectionId":"bench","data":"${bin.toString('base64')}"}`)),
  };
}

// A runner: load(file) -> { call(exp, input) -> Promise<void> (throws on failure), close() }.
const RUNTIMES = {
  async strict(file, fresh) {
    const functions = Object.fromEntries(WS_FUNCTIONS.map((n) => [n, (ctx) => ctx.writeBytes('{}')]));
    const k = await Kernel.load(file, { fresh, functions });
    return {
      call(exp, input, expectOut) {
        const r = k.callSync(exp, input);
        if (!r.ok || r.violations.length) throw new Error(`strict: ${JSON.stringify({ rc: r.rc, error: r.error, trap: r.trap, violations: r.violations.slice(0, 3) })}`);
        if (expectOut && (!r.output || r.output.toString() !== '{"error":null}')) throw new Error(`strict: output ${r.output}`);
      },
      close() {},
    };
  },
  async extism(file, fresh) {
    const { createPlugin } = require(path.join(HOST, 'node_modules/@extism/extism'));
    const module = await WebAssembly.compile(fs.readFileSync(file));
    const functions = { [USER]: Object.fromEntries(WS_FUNCTIONS.map((n) => [n, (cp) => cp.store('{}')])) };
    // Like tests/host/kernel.js's ExtismPlugin: no WASI (nd_ws plugins don't import it), so the
    // SDK never runs _initialize: we do, as Navidrome's host does.
    const create = async () => {
      const p = await createPlugin({ wasm: [{ module, name: 'main' }] }, { useWasi: false, functions, config: {} });
      const inst = await p.getInstance('main');
      if (typeof inst.exports._initialize === 'function') inst.exports._initialize();
      return p;
    };
    const check = (out, expectOut) => {
      if (expectOut && (!out || out.text() !== '{"error":null}')) throw new Error(`extism: output ${out && out.text()}`);
    };
    if (fresh) {
      return {
        async call(exp, input, expectOut) {
          const p = await create();
          try {
            check(await p.call(exp, input), expectOut);
          } finally {
            await p.close();
          }
        },
        close() {},
      };
    }
    const p = await create();
    return {
      async call(exp, input, expectOut) {
        try {
          check(await p.call(exp, input), expectOut);
        } finally {
          await p.reset(); // drop this call's blocks, as a new call on the Rust kernel does
        }
      },
      close: () => p.close(),
    };
  },
};

async function runHost() {
  const rows = [];
  const sizes = SMOKE ? [64, KiB] : [64, KiB, 64 * KiB, MiB, 16 * MiB];
  // Per (runtime, mode, size): seconds per timed batch, at most this many interleaved rounds, and
  // a time slice after which no new round starts (at least 3 rounds run). The slices keep the whole
  // run under 5 minutes even on a busy machine; a quiet one finishes all rounds early. Many short
  // rounds and their median: robust against drift and against other processes' bursts.
  const budget = (size) => (SMOKE ? { batch: 0.002, rounds: 5, slice: 0.5 }
    : size >= 16 * MiB ? { batch: 0, rounds: 4, slice: 8 }
      : size >= MiB ? { batch: 0.02, rounds: 15, slice: 4 }
        : { batch: 0.004, rounds: 101, slice: 3 });
  const inputsBySize = new Map(sizes.map((s) => [s, makeInputs(s)]));
  for (const runtime of ['strict', 'extism']) {
    for (const mode of ['reuse', 'fresh']) {
      const loaded = [];
      for (const c of CASES) loaded.push({ c, r: await RUNTIMES[runtime](artifact(c.file), mode === 'fresh') });
      for (const size of sizes) {
        const inputs = inputsBySize.get(size);
        const { batch, rounds, slice } = budget(size);
        const groupStart = performance.now();
        const times = loaded.map(() => []);
        gc();
        // Check each case (its first call, untimed unless the batch is a single call); then size
        // its batch from a second call.
        const iters = [];
        for (let i = 0; i < loaded.length; i++) {
          const { c, r } = loaded[i];
          const input = inputs[c.input];
          try {
            let t0 = performance.now();
            await r.call(c.exp, input, c.out);
            let t = (performance.now() - t0) / 1000;
            if (batch > 0) {
              t0 = performance.now();
              await r.call(c.exp, input, false);
              t = (performance.now() - t0) / 1000;
            } else times[i].push(t); /* big inputs: the check call is the first round */
            iters.push(Math.max(1, Math.min(20000, Math.round(batch / Math.max(t, 1e-7)))));
          } catch (e) {
            fail(`${runtime} ${mode} ${c.name} ${sizeName(size)}: ${e.message}`);
            iters.push(0);
          }
        }
        // Interleaved rounds: every case once per round, so drift and other load hit the floor
        // and the plugins alike; the median round of each counts.
        let done = batch > 0 ? 0 : 1;
        while (done < rounds && (done < 3 || (performance.now() - groupStart) / 1000 < slice)) {
          for (let i = 0; i < loaded.length; i++) {
            if (!iters[i]) continue;
            const { c, r } = loaded[i];
            const input = inputs[c.input];
            if (size >= MiB) gc(); // a full collection inside a batch would land on whichever case runs then
            const t0 = performance.now();
            for (let k = 0; k < iters[i]; k++) await r.call(c.exp, input, false);
            times[i].push((performance.now() - t0) / 1000 / iters[i]);
          }
          done++;
        }
        const median = (a) => {
          const v = [...a].sort((x, y) => x - y);
          return v.length ? (v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : NaN;
        };
        const med = times.map(median);
        for (let i = 0; i < loaded.length; i++) {
          const { c } = loaded[i];
          const floorIdx = loaded.findIndex((l) => l.c.name === c.floor);
          const ok = (x) => Number.isFinite(x);
          rows.push({
            runtime, mode, plugin: c.name, file: c.file, export: c.exp, size, inputBytes: inputs[c.input].length,
            iters: iters[i], rounds: times[i].length,
            us: ok(med[i]) ? med[i] * 1e6 : null, // median per-call time over the rounds
            usBest: times[i].length ? Math.min(...times[i]) * 1e6 : null,
            ratio: c.floor && ok(med[i]) && ok(med[floorIdx]) ? med[i] / med[floorIdx] : null,
          });
        }
        process.stderr.write(`  host ${runtime}/${mode} ${sizeName(size)}: ${done} rounds (${elapsed()} s)\n`);
      }
      for (const { r } of loaded) await r.close();
    }
  }
  return rows;
}

// ---- 4. sizes --------------------------------------------------------------------------------------
function runSizes() {
  const rows = [];
  for (const name of ['minimal', 'all4', 'echo', 'probe', 'client', 'bench/floor']) {
    const file = path.join(BUILD, `${name}.wasm`);
    if (!fs.existsSync(file)) {
      rows.push({ plugin: name, bytes: null, pages: null, note: 'not built' });
      continue;
    }
    let pages = null;
    try {
      const dump = execFileSync('wasm-objdump', ['-x', file], { encoding: 'utf8' });
      const m = /memory\[0\] pages: initial=(\d+)/.exec(dump);
      pages = m ? Number(m[1]) : null;
    } catch {
      pages = null;
    }
    rows.push({ plugin: name, bytes: fs.statSync(file).size, pages });
  }
  return rows;
}

// ---- targets and tables -------------------------------------------------------------------------------
function targets(native, wasm, host) {
  const at = SMOKE ? 64 * KiB : MiB;
  const hostSize = SMOKE ? KiB : MiB;
  const nat = (op, kind) => native.find((r) => r.op === op && r.kind === kind && r.size === at);
  const simd = wasm.filter((r) => /simd/.test(r.variant) && r.op === 'binary-decode' && r.size === at).sort((a, b) => b.mbps - a.mbps)[0];
  const h = (plugin, mode, size) => host.find((r) => r.runtime === 'strict' && r.mode === mode && r.plugin === plugin && r.size === size);
  const list = [];
  const add = (target, measured, limit, higherIsBetter, unit, where) => {
    const met = measured == null ? null : higherIsBetter ? measured >= limit : measured <= limit;
    list.push({ target, measured, limit, unit, met, where });
  };
  add('native JSON string scan+unescape, escape-free text', nat('text-decode', 'ascii')?.mbps, 8000, true, 'MB/s', `core, ascii, ${sizeName(at)}`);
  add('native base64 decode (scalar)', nat('binary-decode', 'random')?.mbps, 2000, true, 'MB/s', `core, random, ${sizeName(at)}`);
  add('in-wasm base64 decode with -msimd128', simd?.mbps, 4000, true, 'MB/s', `${simd?.variant ?? 'wasm simd'}, ${sizeName(at)} (scalar code: nd_ws has no SIMD path)`);
  add('strict host, fresh instance, text', h('minimal', 'fresh', KiB)?.ratio, 1.1, false, 'x floor', 'minimal, 1 KiB');
  add('strict host, fresh instance, binary', h('all4 (binary)', 'fresh', KiB)?.ratio, 1.1, false, 'x floor', 'all4, 1 KiB');
  add('strict host, reused instance, text', h('minimal', 'reuse', hostSize)?.ratio, 1.25, false, 'x floor', `minimal, ${sizeName(hostSize)}`);
  add('strict host, reused instance, binary', h('all4 (binary)', 'reuse', hostSize)?.ratio, 1.5, false, 'x floor', `all4, ${sizeName(hostSize)}`);
  return list;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmtMB = (v) => (v == null || !Number.isFinite(v) ? '-' : v >= 1000 ? `${(v / 1000).toFixed(2)} GB/s` : `${v.toFixed(0)} MB/s`);
const fmtUs = (v) => (v == null ? '-' : v >= 10000 ? `${(v / 1000).toFixed(0)} ms` : v >= 1000 ? `${(v / 1000).toFixed(1)} ms` : v >= 10 ? `${v.toFixed(0)} us` : `${v.toFixed(1)} us`);

function table(title, head, rows) {
  const widths = head.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  console.log(head.map((h, i) => (i ? lpad(h, widths[i]) : pad(h, widths[i]))).join('  '));
  for (const r of rows) console.log(r.map((c, i) => (i ? lpad(c, widths[i]) : pad(c, widths[i]))).join('  '));
}

function print(res) {
  const nSizes = [...new Set(res.native.map((r) => r.size))];
  const nRows = [];
  for (const op of OPS) for (const kind of KINDS) {
    const cells = nSizes.map((s) => fmtMB(res.native.find((r) => r.op === op && r.kind === kind && r.size === s)?.mbps));
    if (cells.some((c) => c !== '-')) nRows.push([`${op} ${kind}`, ...cells]);
  }
  table('1. native (clang -O2, x86-64), wire bytes per second, best of several runs', ['', ...nSizes.map(sizeName)], nRows);
  const wSizes = [...new Set(res.wasm.map((r) => r.size))];
  const wRows = [];
  for (const v of WASM_VARIANTS) for (const [op, kind] of WASM_CELLS) {
    wRows.push([`${v.name}: ${op} ${kind}`, ...wSizes.map((s) => fmtMB(res.wasm.find((r) => r.variant === v.name && r.op === op && r.kind === kind && r.size === s)?.mbps))]);
  }
  table('   the same core in wasm (V8 in Node, no host calls)', ['', ...wSizes.map(sizeName)], wRows);
  const hSizes = [...new Set(res.host.map((r) => r.size))];
  for (const runtime of ['strict', 'extism']) for (const mode of ['reuse', 'fresh']) {
    const rows = CASES.map((c) => [c.name, ...hSizes.map((s) => {
      const r = res.host.find((x) => x.runtime === runtime && x.mode === mode && x.plugin === c.name && x.size === s);
      if (!r || r.us == null) return '-';
      return r.ratio == null ? fmtUs(r.us) : `${r.ratio.toFixed(2)}x`;
    })]);
    table(`2. host ${runtime === 'strict' ? 'strict kernel' : '@extism/extism 1.0.3'}, ${mode === 'reuse' ? 'one instance reused' : 'fresh instance per call (Navidrome)'}: floor per call, plugins as x floor (medians of interleaved rounds)`, ['', ...hSizes.map(sizeName)], rows);
  }
  table('3. sizes', ['plugin', 'bytes', 'initial pages'], res.sizes.map((r) => [`${r.plugin}.wasm`, r.bytes ?? 'not built', r.pages ?? '-']));
  table('targets (issue 6)', ['target', 'measured', 'limit', '', 'where'], res.targets.map((t) => [
    t.target,
    t.measured == null ? '-' : t.unit === 'MB/s' ? fmtMB(t.measured) : `${t.measured.toFixed(2)}x`,
    t.unit === 'MB/s' ? `>= ${fmtMB(t.limit)}` : `<= ${t.limit}x`,
    t.met == null ? 'n/a' : t.met ? 'met' : 'MISSED',
    t.where,
  ]));
}

async function main() {
  const os = require('node:os');
  const load = () => Number(os.loadavg()[0].toFixed(2));
  const cores = os.cpus().length;
  const header = fs.readFileSync(path.join(REPO, 'nd_ws.h'));
  let commit = null;
  try {
    commit = execFileSync('git', ['-C', REPO, 'describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = null;
  }
  const res = { smoke: SMOKE, commit, headerSha256: require('node:crypto').createHash('sha256').update(header).digest('hex'), cores, loadBefore: load(), date: new Date().toISOString(), node: process.version, cpu: require('node:os').cpus()[0]?.model, throughput: 'wire bytes: the JSON input scanned (decode) or the request written (encode)' };
  process.stderr.write(`bench${SMOKE ? ' (smoke)' : ''}: native...\n`);
  res.native = runNative();
  process.stderr.write(`bench: wasm core... (${elapsed()} s)\n`);
  res.wasm = runWasmCore();
  process.stderr.write(`bench: host... (${elapsed()} s)\n`);
  res.host = await runHost();
  res.sizes = runSizes();
  res.targets = targets(res.native, res.wasm, res.host);
  res.failures = failures;
  res.loadAfter = load();
  res.seconds = Number(elapsed());
  print(res);
  if (Math.max(res.loadBefore, res.loadAfter) > cores - 0.5) {
    console.log(`\nWARNING: load average ${res.loadBefore} before, ${res.loadAfter} after, on ${cores} cores: other processes`
      + ' competed for the CPU, so timings (host ratios most) are noisy; rerun on a quiet machine.');
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(res, null, 1) + '\n');
  console.log(`\n${path.relative(REPO, OUT)} written; ${res.seconds} s${failures.length ? `; ${failures.length} FAILURE(S)` : ''}`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exitCode = 1;
});

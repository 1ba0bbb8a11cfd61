// The compile worker's program: plain JavaScript (an ES module), started from a
// data: URL so that it runs the same from the TypeScript sources (vitest) and
// from dist/, without a build step of its own.
//
// It loads binaryen once (await import: binaryen is ESM with top-level await),
// then answers each request on `port`: replay the ModuleDesc (wasm-ir.ts) against
// binaryen, emit the binary (and the text when asked), post the reply, and wake
// the main thread, which is blocked in Atomics.wait on `flag[0]`.
//
// After loading, and while idle, it warms binaryen up (see WARMUP below).
//
// Reply: { ok: true, bytes, text, ms } or { ok: false, error }. The reply is
// posted before the flag is set, so the main thread finds it with
// receiveMessageOnPort as soon as it wakes up.

export const WORKER_SOURCE = String.raw`
import { workerData } from 'node:worker_threads';
const { port, flag, binaryenUrl } = workerData;

let binaryen = null;
let loadError = null;
try {
  binaryen = (await import(binaryenUrl)).default;
} catch (e) {
  loadError = e;
}

const TYPES = binaryen === null ? {} : {
  none: binaryen.none, i32: binaryen.i32, i64: binaryen.i64, f64: binaryen.f64, externref: binaryen.externref,
};
const paths = new Map();

// The inverse of encodeBody (wasm-ir.ts), building binaryen expressions as it reads.
function decode(m, code, strings) {
  let pc = 0;
  const arg = () => {
    switch (code[pc++]) {
      case 0: return expr();
      case 1: return code[pc++];
      case 2: return strings[code[pc++]];
      case 3: return BigInt(strings[code[pc++]]);
      case 4: return null;
      case 5: return TYPES[strings[code[pc++]]];
      case 6: { const n = code[pc++]; const xs = new Array(n); for (let k = 0; k < n; k++) xs[k] = arg(); return xs; }
      default: throw new Error('bad expression code at ' + (pc - 1));
    }
  };
  const expr = () => {
    const o = strings[code[pc++]];
    const n = code[pc++];
    let path = paths.get(o);
    if (path === undefined) paths.set(o, (path = o.split('.')));
    let owner = m;
    let f = m;
    for (const p of path) {
      owner = f;
      f = f[p];
      if (f === undefined) throw new Error('binaryen has no builder ' + o);
    }
    const args = new Array(n);
    for (let k = 0; k < n; k++) args[k] = arg();
    return f.apply(owner, args);
  };
  if (code[pc++] !== 0) throw new Error('the body must be an expression');
  return expr();
}

function build(m, e) {
  let path = paths.get(e.o);
  if (path === undefined) paths.set(e.o, (path = e.o.split('.')));
  let owner = m;
  let f = m;
  for (const p of path) {
    owner = f;
    f = f[p];
    if (f === undefined) throw new Error('binaryen has no builder ' + e.o);
  }
  const args = new Array(e.a.length);
  for (let k = 0; k < e.a.length; k++) args[k] = arg(m, e.a[k]);
  return f.apply(owner, args);
}

function arg(m, a) {
  if (a === null || typeof a !== 'object') return a;
  if (Array.isArray(a)) return a.map((x) => arg(m, x));
  if (a.t !== undefined) return TYPES[a.t];
  return build(m, a);
}

function compile(req) {
  const t0 = performance.now();
  const d = req.desc;
  const m = new binaryen.Module();
  try {
    const F = binaryen.Features;
    m.setFeatures(F.ReferenceTypes | F.MutableGlobals | F.NontrappingFPToInt | F.SignExt);
    m.setMemory(d.memory.initial, d.memory.maximum, null, [], false, false, 'mem');
    m.addMemoryImport('mem', d.memory.module, d.memory.base);
    for (const f of d.funcImports) {
      m.addFunctionImport(f.name, f.module, f.base, binaryen.createType(f.params.map((p) => TYPES[p])), TYPES[f.result]);
    }
    for (const g of d.globalImports) m.addGlobalImport(g.name, g.module, g.base, TYPES[g.type], g.mutable);
    const body = req.body !== undefined ? decode(m, req.body.code, req.body.strings) : build(m, d.body);
    m.addFunction('run', binaryen.createType(d.params.map((p) => TYPES[p])), TYPES[d.result], d.vars.map((v) => TYPES[v]), body);
    m.addFunctionExport('run', 'run');
    if (req.validate && !m.validate()) throw new Error('binaryen rejected the module:\n' + m.emitText());
    if (req.optimize > 0) {
      binaryen.setOptimizeLevel(req.optimize);
      binaryen.setShrinkLevel(0);
      m.optimize();
    }
    const text = req.text ? m.emitText() : null;
    const bytes = m.emitBinary();
    return { ok: true, bytes, text, ms: performance.now() - t0 };
  } finally {
    m.dispose();
  }
}

// Warm-up: binaryen's own code starts in V8's baseline tier, so the first
// traces compile several times slower than later ones. While no request is
// waiting, compile a representative module a few times (one per event-loop
// turn, so a real request is never delayed by more than one warm-up compile).
const WARMUP = workerData.warmup;
let warmups = 0;
function warmUp() {
  if (binaryen === null || WARMUP === null || warmups >= WARMUP.rounds) return;
  warmups++;
  try { compile({ desc: WARMUP.desc, text: false, validate: false, optimize: 0 }); } catch { return; }
  setImmediate(warmUp);
}
setImmediate(warmUp);

port.on('message', (req) => {
  let reply;
  try {
    if (loadError !== null) throw loadError;
    reply = compile(req);
  } catch (e) {
    reply = { ok: false, error: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

// A direct WebAssembly binary encoder for the module descriptions of
// wasm-ir.ts: the same modules binaryen builds, without binaryen. It runs on
// the main thread, synchronously, in about a tenth of binaryen's time, and
// needs neither the worker nor binaryen's ~335 ms / ~110 MB start-up (see
// README.md for the measurements behind making it the default; binaryen
// remains the printer for the log and the validator in tests).
//
// It knows exactly the builders lower.ts uses (OPCODES below, plus the
// structured ones in `emit`); anything else is an error, so a new builder in
// lower.ts fails loudly here until it is added. Structured control flow
// follows binaryen's conventions: labels are names resolved to depths, a
// block's type is given, an `if` with an else arm has the type of its arms,
// a loop the type of its body.
//
// Module layout: types, imports (functions from `funcImports`, the memory,
// globals), one function `run` (exported), its code.

import type { Arg, Expr, ModuleDesc, WType } from './wasm-ir.js';

const VALTYPE: Record<Exclude<WType, 'none'>, number> = { i32: 0x7f, i64: 0x7e, f64: 0x7c, externref: 0x6f };

/** Numeric and memory instructions: builder name -> opcode bytes. */
const OPCODES: Readonly<Record<string, readonly number[]>> = {
  'i32.load': [0x28], 'f64.load': [0x2b], 'i32.store': [0x36], 'f64.store': [0x39],
  'f32.load': [0x2a], 'i32.load8_s': [0x2c], 'i32.load8_u': [0x2d], 'i32.load16_s': [0x2e], 'i32.load16_u': [0x2f],
  'f32.store': [0x38], 'i32.store8': [0x3a], 'i32.store16': [0x3b],
  'f32.demote': [0xb6], 'f64.promote': [0xbb], 'i32.trunc_u_sat.f64': [0xfc, 0x03],
  'i32.eqz': [0x45], 'i32.eq': [0x46], 'i32.ne': [0x47], 'i32.lt_s': [0x48], 'i32.lt_u': [0x49], 'i32.gt_s': [0x4a], 'i32.gt_u': [0x4b],
  'i32.le_s': [0x4c], 'i32.le_u': [0x4d], 'i32.ge_s': [0x4e], 'i32.ge_u': [0x4f],
  'i64.eqz': [0x50], 'i64.eq': [0x51], 'i64.ne': [0x52],
  'f64.eq': [0x61], 'f64.ne': [0x62], 'f64.lt': [0x63], 'f64.gt': [0x64], 'f64.le': [0x65], 'f64.ge': [0x66],
  'i32.add': [0x6a], 'i32.sub': [0x6b], 'i32.mul': [0x6c], 'i32.div_s': [0x6d], 'i32.div_u': [0x6e], 'i32.rem_s': [0x6f], 'i32.rem_u': [0x70],
  'i32.and': [0x71], 'i32.or': [0x72], 'i32.xor': [0x73], 'i32.shl': [0x74], 'i32.shr_s': [0x75], 'i32.shr_u': [0x76],
  'i64.add': [0x7c], 'i64.sub': [0x7d], 'i64.mul': [0x7e], 'i64.div_s': [0x7f], 'i64.div_u': [0x80], 'i64.rem_s': [0x81], 'i64.rem_u': [0x82],
  'f64.abs': [0x99], 'f64.neg': [0x9a], 'f64.ceil': [0x9b], 'f64.floor': [0x9c], 'f64.trunc': [0x9d], 'f64.nearest': [0x9e], 'f64.sqrt': [0x9f],
  'f64.add': [0xa0], 'f64.sub': [0xa1], 'f64.mul': [0xa2], 'f64.div': [0xa3], 'f64.min': [0xa4], 'f64.max': [0xa5], 'f64.copysign': [0xa6],
  'i32.wrap': [0xa7], 'i32.trunc_s_sat.f64': [0xfc, 0x02], 'i64.trunc_s_sat.f64': [0xfc, 0x06],
  'f64.convert_s.i32': [0xb7], 'f64.convert_u.i32': [0xb8], 'f64.convert_s.i64': [0xb9], 'f64.convert_u.i64': [0xba],
  'i64.reinterpret': [0xbd], 'f64.reinterpret': [0xbf],
  'ref.is_null': [0xd1],
};

const MEMORY_ACCESS = /\.(load|store)(8|16)?(_[su])?$/;

/** Result types of the numeric builders that do not return the type their name starts with. */
const COMPARISONS = /\.(eqz?|ne|[lg][te](_[su])?)$/;
const RESULT: Readonly<Record<string, WType>> = {
  'i32.wrap': 'i32', 'i32.trunc_s_sat.f64': 'i32', 'i32.trunc_u_sat.f64': 'i32', 'i64.trunc_s_sat.f64': 'i64', 'i64.reinterpret': 'i64', 'f64.reinterpret': 'f64', 'ref.is_null': 'i32',
};

class Bytes {
  private buf = new Uint8Array(1024);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }

  bytes(bs: ArrayLike<number>): void {
    if (this.length + bs.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + bs.length));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(bs, this.length);
    this.length += bs.length;
  }

  u32(n: number): void {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
  }

  s32(n: number): void {
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  s64(v: bigint): void {
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  f64(v: number): void {
    const d = new DataView(new ArrayBuffer(8));
    d.setFloat64(0, v, true);
    for (let k = 0; k < 8; k++) this.byte(d.getUint8(k));
  }

  name(s: string): void {
    const utf8 = new TextEncoder().encode(s);
    this.u32(utf8.length);
    this.bytes(utf8);
  }

  /** A section: id, size, contents. */
  section(id: number, body: Bytes): void {
    this.byte(id);
    this.u32(body.length);
    this.bytes(body.view());
  }

  view(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }
}

const valtype = (t: WType): number => {
  if (t === 'none') throw new Error('wasm encoder: no value type none');
  return VALTYPE[t];
};

const blocktype = (t: WType): number => (t === 'none' ? 0x40 : valtype(t));

const typeArg = (a: Arg): WType => (a as { t: WType }).t;

/** The type an expression leaves on the stack ('none' for statements). */
function typeOf(e: Expr): WType {
  switch (e.o) {
    case 'block': return typeArg(e.a[2]);
    case 'loop': return typeOf(e.a[1] as Expr);
    case 'if': return e.a.length === 3 ? typeOf(e.a[1] as Expr) : 'none';
    case 'local.get': case 'global.get': return typeArg(e.a[1]);
    case 'call': return typeArg(e.a[2]);
    case 'ref.null': return 'externref';
    case 'local.set': case 'br': case 'switch': case 'return': case 'unreachable': return 'none';
    default: {
      if (MEMORY_ACCESS.test(e.o) && e.o.includes('.store')) return 'none';
      const r = RESULT[e.o];
      if (r !== undefined) return r;
      if (COMPARISONS.test(e.o)) return 'i32';
      return e.o.slice(0, 3) as WType;
    }
  }
}

/** Encodes a module description (wasm-ir.ts) as a WebAssembly binary. */
export function encodeModule(desc: ModuleDesc): Uint8Array<ArrayBuffer> {
  const types: string[] = [];
  const typeIndex = (params: readonly WType[], result: WType): number => {
    const key = `${params.join(',')}->${result}`;
    let k = types.indexOf(key);
    if (k < 0) k = types.push(key) - 1;
    return k;
  };
  const funcs = new Map<string, number>();
  desc.funcImports.forEach((f, k) => funcs.set(f.name, k));
  const globals = new Map<string, number>();
  desc.globalImports.forEach((g, k) => globals.set(g.name, k));
  const importTypes = desc.funcImports.map((f) => typeIndex(f.params, f.result));
  const runType = typeIndex(desc.params, desc.result);

  // Code first: it may not add types, but errors surface before any section is written.
  const code = new Bytes();
  const labels: (string | null)[] = [];
  const depth = (label: string): number => {
    for (let k = labels.length - 1; k >= 0; k--) if (labels[k] === label) return labels.length - 1 - k;
    throw new Error(`wasm encoder: branch to unknown label ${label}`);
  };
  const emit = (e: Expr): void => {
    const a = e.a;
    switch (e.o) {
      case 'block':
        code.byte(0x02);
        code.byte(blocktype(typeArg(a[2])));
        labels.push(a[0] as string | null);
        for (const x of a[1] as readonly Expr[]) emit(x);
        labels.pop();
        code.byte(0x0b);
        return;
      case 'loop':
        code.byte(0x03);
        code.byte(blocktype(typeOf(a[1] as Expr)));
        labels.push(a[0] as string);
        emit(a[1] as Expr);
        labels.pop();
        code.byte(0x0b);
        return;
      case 'if':
        emit(a[0] as Expr);
        code.byte(0x04);
        code.byte(blocktype(typeOf(e)));
        labels.push(null);
        emit(a[1] as Expr);
        if (a.length === 3) {
          code.byte(0x05);
          emit(a[2] as Expr);
        }
        labels.pop();
        code.byte(0x0b);
        return;
      case 'br':
        code.byte(0x0c);
        code.u32(depth(a[0] as string));
        return;
      case 'switch': {
        emit(a[2] as Expr);
        code.byte(0x0e);
        const targets = a[0] as readonly string[];
        code.u32(targets.length);
        for (const t of targets) code.u32(depth(t));
        code.u32(depth(a[1] as string));
        return;
      }
      case 'return':
        emit(a[0] as Expr);
        code.byte(0x0f);
        return;
      case 'unreachable':
        code.byte(0x00);
        return;
      case 'call': {
        for (const x of a[1] as readonly Expr[]) emit(x);
        const f = funcs.get(a[0] as string);
        if (f === undefined) throw new Error(`wasm encoder: call of unknown function ${String(a[0])}`);
        code.byte(0x10);
        code.u32(f);
        return;
      }
      case 'local.get':
        code.byte(0x20);
        code.u32(a[0] as number);
        return;
      case 'local.set':
        emit(a[1] as Expr);
        code.byte(0x21);
        code.u32(a[0] as number);
        return;
      case 'global.get': {
        const g = globals.get(a[0] as string);
        if (g === undefined) throw new Error(`wasm encoder: unknown global ${String(a[0])}`);
        code.byte(0x23);
        code.u32(g);
        return;
      }
      case 'i32.const':
        code.byte(0x41);
        code.s32(a[0] as number);
        return;
      case 'i64.const':
        code.byte(0x42);
        code.s64(a[0] as bigint);
        return;
      case 'f64.const':
        code.byte(0x44);
        code.f64(a[0] as number);
        return;
      case 'ref.null':
        code.byte(0xd0);
        code.byte(valtype(typeArg(a[0])));
        return;
    }
    const op = OPCODES[e.o];
    if (op === undefined) throw new Error(`wasm encoder: no encoding for ${e.o}`);
    if (MEMORY_ACCESS.test(e.o)) {
      // (offset, align in bytes, ptr[, value])
      for (const x of a.slice(2)) emit(x as Expr);
      code.bytes(op);
      code.u32(Math.log2(a[1] as number));
      code.u32(a[0] as number);
      return;
    }
    for (const x of a) emit(x as Expr);
    code.bytes(op);
  };
  emit(desc.body);
  code.byte(0x0b);

  const out = new Bytes();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

  const typeSec = new Bytes();
  typeSec.u32(types.length);
  for (const key of types) {
    const [params, result] = key.split('->');
    typeSec.byte(0x60);
    const ps = params === '' ? [] : (params.split(',') as WType[]);
    typeSec.u32(ps.length);
    for (const p of ps) typeSec.byte(valtype(p));
    if (result === 'none') typeSec.u32(0);
    else {
      typeSec.u32(1);
      typeSec.byte(valtype(result as WType));
    }
  }
  out.section(1, typeSec);

  const importSec = new Bytes();
  importSec.u32(desc.funcImports.length + 1 + desc.globalImports.length);
  desc.funcImports.forEach((f, k) => {
    importSec.name(f.module);
    importSec.name(f.base);
    importSec.byte(0x00);
    importSec.u32(importTypes[k]);
  });
  importSec.name(desc.memory.module);
  importSec.name(desc.memory.base);
  importSec.byte(0x02);
  importSec.byte(0x01);
  importSec.u32(desc.memory.initial);
  importSec.u32(desc.memory.maximum);
  for (const g of desc.globalImports) {
    importSec.name(g.module);
    importSec.name(g.base);
    importSec.byte(0x03);
    importSec.byte(valtype(g.type));
    importSec.byte(g.mutable ? 1 : 0);
  }
  out.section(2, importSec);

  const funcSec = new Bytes();
  funcSec.u32(1);
  funcSec.u32(runType);
  out.section(3, funcSec);

  const exportSec = new Bytes();
  exportSec.u32(1);
  exportSec.name('run');
  exportSec.byte(0x00);
  exportSec.u32(desc.funcImports.length);
  out.section(7, exportSec);

  const body = new Bytes();
  const runs: [WType, number][] = [];
  for (const v of desc.vars) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === v) last[1]++;
    else runs.push([v, 1]);
  }
  body.u32(runs.length);
  for (const [t, n] of runs) {
    body.u32(n);
    body.byte(valtype(t));
  }
  body.bytes(code.view());
  const codeSec = new Bytes();
  codeSec.u32(1);
  codeSec.u32(body.length);
  codeSec.bytes(body.view());
  out.section(10, codeSec);

  return out.view().slice();
}

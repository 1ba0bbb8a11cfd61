// What is particular to the wasm backend, always checked against the
// reference backend on the same traces: lazy loading of binaryen, peeled loops
// with a second label, parallel moves at back-edges, fuel exits through the
// dispatcher, bridges attached while old code is on the stack, re-entrant
// runs, invalidation from inside a running loop, many exit values, units of
// one trace, the text log and the compile statistics.

import { describe, expect, it } from 'vitest';
import type { Backend, BackendOptions, CompiledLoop, TraceExit } from '../../jit/backend.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { BACKENDS } from '../../jit/backends.js';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, Descr, ExitDescr, FieldDescr, GuardDescr } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry } from '../../jit/ir/print.js';
import { compilerStarted } from '../../wasm-backend/compiler.js';
import { WasmBackend, type WasmBackendOptions } from '../../wasm-backend/wasm-backend.js';

const done: ExitDescr = { kind: 'exit', name: 'done', greens: [] };

/** Parses and compiles the same traces on a fresh ref and wasm backend; `hooks` are call descriptors the traces may use. */
function pair(wasmOptions: WasmBackendOptions = {}, options: BackendOptions = {}) {
  const descrs = new DescrRegistry();
  descrs.add(done);
  const consts = new ConstRegistry();
  const ref = new RefBackend(options);
  const wasm = new WasmBackend({ validate: true, ...options, ...wasmOptions });
  const parse = (text: string) => parseTrace(text, descrs, consts);
  const guard = (id: number) => descrs.get(`guard:${id}`) as GuardDescr;
  const add = (d: Descr) => descrs.add(d);
  return { ref, wasm, parse, guard, add, consts, both: [ref, wasm] as Backend[] };
}

describe('binaryen is loaded lazily', () => {
  // First in this file: vitest runs each test file in its own process.
  it('the direct encoder never starts the binaryen worker; the binaryen encoder starts it at its first compile', () => {
    const backend = BACKENDS.wasm({});
    expect(backend.name).toBe('wasm');
    const { parse } = pair();
    backend.compileLoop(parse('[i0]\nlabel(i0, descr=target:L1)\nfinish(i0, descr=exit:done)\n'));
    expect(compilerStarted()).toBe(false);
    const viaBinaryen = new WasmBackend({ encoder: 'binaryen' });
    expect(compilerStarted()).toBe(false);
    viaBinaryen.compileLoop(parse('[i0]\nlabel(i0, descr=target:L2)\nfinish(i0, descr=exit:done)\n'));
    expect(compilerStarted()).toBe(true);
  });
});

const SWAP = `[i0, i1, i2, f3, f4]
label(i0, i1, i2, f3, f4, descr=target:L1)
i5 = int_sub(i0, 1)
i6 = int_gt(i5, 0)
guard_true(i6, descr=guard:1) [i5, i1, i2, f3, f4]
jump(i5, i2, i1, f4, f3, descr=target:L1)
`;

// A peeled loop as the optimizer makes it: the preamble jumps into the second
// label, which defines fresh boxes; r0 (defined before it) stays in scope.
const PEELED = `[i0, f1, r2]
label(i0, f1, r2, descr=target:P0)
i3 = int_add(i0, 1)
f4 = float_mul(f1, 2.0)
jump(i3, f4, descr=target:P1)
label(i5, f6, descr=target:P1)
i7 = int_lt(i5, 7)
guard_true(i7, descr=guard:1) [i5, f6, r2]
f8 = float_add(f6, 1.0)
i9 = int_add(i5, 1)
i10 = int_eq(i9, 5)
guard_false(i10, descr=guard:2) [i9, f8, r2]
jump(i9, f8, descr=target:P1)
`;

describe('loops and back-edges', () => {
  it('a back-edge that permutes the loop values moves them in parallel', () => {
    for (const fuel of [1, 2, 100]) {
      const { both, parse } = pair({ fuel });
      const [a, b] = both.map((bk) => bk.compileLoop(parse(SWAP)).run([7, 1, true, 0.5, -0]));
      expect(b).toEqual(a);
      expect(Object.is((b as { values: unknown[] }).values[4], (a as { values: unknown[] }).values[4])).toBe(true);
    }
  });

  it('a peeled loop runs its preamble once and loops at the second label, also with fuel 1', () => {
    for (const fuel of [1, 3, 1000]) {
      const { both, parse, guard } = pair({ fuel });
      const loops = both.map((bk) => bk.compileLoop(parse(PEELED)));
      const obj = { tag: 'kept' };
      const [a, b] = loops.map((l) => l.run([0, 1.5, obj]));
      expect(a).toEqual({ kind: 'guard', descr: guard(2), values: [5, 7, obj], exception: null });
      expect(b).toEqual(a);
    }
  });

  it('a bridge of a peeled loop jumps back to its first label', () => {
    const { both, parse, guard } = pair({ fuel: 2 });
    const exits = both.map((bk) => {
      const loop = bk.compileLoop(parse(PEELED));
      bk.attachBridge(guard(2), parse('[i0, f1, r2]\ni3 = int_add(i0, 1)\njump(i3, f1, r2, descr=target:P0)\n'));
      return loop.run([0, 1.5, 'r']);
    });
    expect(exits[0]).toEqual({ kind: 'guard', descr: guard(1), values: [7, 14, 'r'], exception: null });
    expect(exits[1]).toEqual(exits[0]);
  });

  it('a trace can jump back from its second label to its first', () => {
    const text = `[i0]
label(i0, descr=target:Q0)
i1 = int_add(i0, 10)
jump(i1, descr=target:Q1)
label(i2, descr=target:Q1)
i3 = int_sub(i2, 1)
i4 = int_lt(i3, 100)
guard_true(i4, descr=guard:1) [i3]
i5 = int_and(i3, 3)
i6 = int_eq(i5, 0)
guard_false(i6, descr=guard:2) [i3]
jump(i3, descr=target:Q0)
`;
    const { both, parse, guard } = pair({ fuel: 2 });
    const exits = both.map((bk) => {
      const loop = bk.compileLoop(parse(text));
      bk.attachBridge(guard(2), parse('[i0]\njump(i0, descr=target:Q1)\n'));
      return loop.run([1]);
    });
    expect(exits[0]).toEqual({ kind: 'guard', descr: guard(1), values: [100], exception: null });
    expect(exits[1]).toEqual(exits[0]);
  });
});

describe('bridges', () => {
  it('bridges of bridges, inside the loop unit or in units of their own', () => {
    const configs: WasmBackendOptions[] = [{}, { bridgeMergeThreshold: 0 }, { bridgeMergeThreshold: 1 }, { bridgeMergeThreshold: 3 }, { bridgeMergeThreshold: 0, maxUnitTraces: 2 }];
    for (const config of configs) {
      const { both, parse, guard, wasm } = pair(config);
      const exits = both.map((bk) => {
        const loop = bk.compileLoop(parse(`[i0, i1]
label(i0, i1, descr=target:L1)
i2 = int_add(i0, 1)
i3 = int_and(i2, 1)
guard_false(i3, descr=guard:1) [i2, i1]
i4 = int_lt(i2, 40)
guard_true(i4, descr=guard:2) [i2, i1]
jump(i2, i1, descr=target:L1)
`));
        bk.attachBridge(guard(1), parse(`[i0, i1]
i2 = int_add(i1, i0)
i3 = int_and(i0, 3)
i4 = int_eq(i3, 1)
guard_false(i4, descr=guard:3) [i0, i2]
jump(i0, i2, descr=target:L1)
`));
        bk.attachBridge(guard(3), parse('[i0, i1]\ni2 = int_sub(i1, 1000)\njump(i0, i2, descr=target:L1)\n'));
        return loop.run([0, 0]);
      });
      expect(exits[1]).toEqual(exits[0]);
      expect(exits[0]).toMatchObject({ kind: 'guard', descr: guard(2) });
      const merges = config.bridgeMergeThreshold === undefined ? 0 : config.bridgeMergeThreshold === 0 ? 0 : 2;
      expect(wasm.stats.merges).toBe(merges);
    }
  });

  it('a bridge attached while the loop is running is taken by the old code through the dispatcher', () => {
    const { both, parse, guard, add } = pair();
    let attach: () => void = () => undefined;
    const hook: CallDescr = { kind: 'call', name: 'hook', effect: 'write', canRaise: false, resultKind: 'v', fn: () => attach() };
    add(hook);
    const exits = both.map((bk) => {
      const loop = bk.compileLoop(parse(`[i0]
label(i0, descr=target:L1)
call_n(i0, descr=call:hook)
i1 = int_add(i0, 1)
i2 = int_lt(i1, 10)
guard_true(i2, descr=guard:1) [i1]
jump(i1, descr=target:L1)
`));
      let attached = false;
      attach = () => {
        if (attached) return;
        attached = true;
        bk.attachBridge(guard(1), parse('[i0]\ni1 = int_mul(i0, 3)\nfinish(i1, descr=exit:done)\n'));
      };
      const exit = loop.run([0]);
      guard(1).bridge = null;
      return exit;
    });
    expect(exits[0]).toEqual({ kind: 'finish', descr: done, values: [30] });
    expect(exits[1]).toEqual(exits[0]);
  });
});

describe('re-entrance and invalidation', () => {
  it('a host call may run another compiled loop of the same backend', () => {
    const { both, parse, add } = pair();
    let inner: CompiledLoop | null = null;
    const nested: CallDescr = {
      kind: 'call', name: 'nested', effect: 'write', canRaise: true, resultKind: 'r',
      fn: (x: number) => {
        const exit = inner!.run([x, 'inner']);
        if (x === 13) throw new Error('thirteen');
        return exit.values[1];
      },
    };
    add(nested);
    const exits = both.map((bk) => {
      inner = bk.compileLoop(parse(`[i0, r1]
label(i0, r1, descr=target:IN)
i2 = int_add(i0, 1)
i3 = int_lt(i2, 20)
guard_true(i3, descr=guard:10) [i2, r1, 2.5]
jump(i2, r1, descr=target:IN)
`));
      const outer = bk.compileLoop(parse(`[i0, r1]
label(i0, r1, descr=target:OUT)
r2 = call_r(i0, descr=call:nested)
guard_no_exception(descr=guard:11) [i0, r1, r2]
i3 = int_add(i0, 1)
jump(i3, r2, descr=target:OUT)
`));
      return outer.run([0, 'start']);
    });
    expect(exits[0]).toMatchObject({ kind: 'guard', values: [13, 'inner', null] });
    expect(exits[1]).toEqual(exits[0]);
  });

  it('a loop invalidated by a call inside it fails its next guard_not_invalidated', () => {
    const { both, parse, add, guard } = pair();
    let loops: CompiledLoop[] = [];
    let running = 0;
    const poke: CallDescr = {
      kind: 'call', name: 'poke', effect: 'write', canRaise: false, resultKind: 'v',
      fn: (i: number) => { if (i === 3) loops[running].invalidate(); },
    };
    add(poke);
    loops = both.map((bk) => bk.compileLoop(parse(`[i0]
label(i0, descr=target:L1)
guard_not_invalidated(descr=guard:1) [i0]
call_n(i0, descr=call:poke)
i1 = int_add(i0, 1)
jump(i1, descr=target:L1)
`)));
    const a = loops[0].run([0]);
    running = 1;
    const b = loops[1].run([0]);
    expect(a).toEqual({ kind: 'guard', descr: guard(1), values: [4], exception: null });
    expect(b).toEqual(a);
  });

  it('after an exception escaped from a call that cannot raise, the next run starts clean', () => {
    const { both, parse, add } = pair();
    const boom: CallDescr = { kind: 'call', name: 'boom', effect: 'write', canRaise: false, resultKind: 'v', fn: (x: number) => { if (x > 2) throw new TypeError('boom'); } };
    const maybe: CallDescr = { kind: 'call', name: 'maybe', effect: 'write', canRaise: true, resultKind: 'f', fn: (x: number) => x / 2 };
    add(boom);
    add(maybe);
    for (const bk of both) {
      const loop = bk.compileLoop(parse(`[i0]
label(i0, descr=target:L1)
f1 = call_f(i0, descr=call:maybe)
guard_no_exception(descr=guard:1) [i0, f1]
call_n(i0, descr=call:boom)
i2 = int_add(i0, 1)
i3 = int_lt(i2, 3)
guard_true(i3, descr=guard:2) [i2, f1]
jump(i2, descr=target:L1)
`));
      expect(() => loop.run([0])).not.toThrow();
      expect(() => loop.run([3])).toThrow('boom');
      expect(loop.run([0])).toMatchObject({ kind: 'guard', values: [3, 1], exception: null });
    }
  });
});

describe('values', () => {
  it('many values cross the boundary at one exit (the slot memory grows)', () => {
    const n = 5000;
    const ids = Array.from({ length: n }, (_, k) => k + 1);
    const boxes = ids.map((k) => (k % 3 === 0 ? `f${k}` : k % 3 === 1 ? `i${k}` : `r${k}`));
    const text = `[i0, ${boxes.join(', ')}]
label(i0, ${boxes.join(', ')}, descr=target:L1)
i${n + 1} = int_add(i0, 1)
i${n + 2} = int_lt(i${n + 1}, 3)
guard_true(i${n + 2}, descr=guard:1) [${boxes.join(', ')}, i${n + 1}]
jump(i${n + 1}, ${boxes.join(', ')}, descr=target:L1)
`;
    const { both, parse } = pair({ fuel: 1 });
    const inputs = [0, ...ids.map((k) => (k % 3 === 0 ? k + 0.5 : k % 3 === 1 ? (k % 2 === 0) : { k }))];
    const [a, b] = both.map((bk) => bk.compileLoop(parse(text)).run(inputs));
    expect(b).toEqual(a);
    expect((b as Extract<TraceExit, { kind: 'guard' }>).values).toHaveLength(n + 1);
  });

  it('reference constants keep their identity: -0, 0, undefined, strings, objects', () => {
    const { both, parse, consts } = pair();
    const obj = { o: 1 };
    consts.add('obj', obj);
    const text = `[r0]
label(r0, descr=target:L1)
i1 = ptr_eq(r0, ref(-0.0))
i2 = ptr_eq(r0, undefined)
finish(r0, ref(-0.0), ref(0.0), undefined, null, "s", ConstPtr(obj), ref(true), i1, i2, descr=exit:done)
`;
    const [a, b] = both.map((bk) => bk.compileLoop(parse(text)).run([0]));
    expect(b).toEqual(a);
    const values = (b as { values: unknown[] }).values;
    expect(Object.is(values[1], -0)).toBe(true);
    expect(Object.is(values[2], 0)).toBe(true);
    expect(values[6]).toBe(obj);
  });
});

describe('exits', () => {
  it('guards with the same failArgs share the code that writes them', () => {
    const texts: string[] = [];
    const { both, parse, guard } = pair({ log: (t) => texts.push(t) });
    const text = `[i0, f1, r2]
label(i0, f1, r2, descr=target:L1)
i3 = int_add(i0, 1)
i4 = int_ne(i3, 3)
guard_true(i4, descr=guard:1) [i3, f1, r2, true]
i5 = int_ne(i3, 5)
guard_true(i5, descr=guard:2) [i3, f1, r2, true]
i6 = int_lt(i3, 4)
guard_true(i6, descr=guard:3) [i3, f1, r2, true]
jump(i3, f1, r2, descr=target:L1)
`;
    for (const start of [0, 3]) {
      const [a, b] = both.map((bk) => bk.compileLoop(parse(text.replace(/L1/g, `L${start}`).replace(/guard:(\d)/g, (_m, g) => `guard:${start === 0 ? '' : start}${g}`))).run([start, -0, 'r']));
      expect(b).toEqual(a);
      expect(Object.is((b as { values: unknown[] }).values[1], -0)).toBe(true);
      expect(a).toMatchObject({ descr: guard(start === 0 ? 1 : 33) });
    }
    expect(texts[0]).toContain('(br $x0)');
  });
});

describe('virtual boxes and inlined builtins', () => {
  const isInt: CallDescr = { kind: 'call', name: 'Number.isInteger', effect: 'elidable', canRaise: false, resultKind: 'i', fn: Number.isInteger as never };
  const floor: CallDescr = { kind: 'call', name: 'Math.floor', effect: 'elidable', canRaise: true, resultKind: 'f', fn: Math.floor as never };
  const keep: CallDescr = { kind: 'call', name: 'keep', effect: 'write', canRaise: false, resultKind: 'r', fn: ((a: unknown, b: unknown) => [a, b]) as never };
  const BOXES = `[i0, f1, r2, i3]
label(i0, f1, r2, i3, descr=target:V1)
r4 = box_float(f1)
r5 = box_int(i3)
f6 = unbox_float(r4)
i7 = unbox_int(r5)
i8 = call_i(f6, descr=call:Number.isInteger)
f9 = call_f(f6, descr=call:Math.floor)
guard_no_exception(descr=guard:1) [r4, r5, i8]
i10 = ptr_eq(r4, r2)
guard_nonnull(r4, descr=guard:2) [r4]
r11 = call_r(r4, r5, descr=call:keep)
f12 = float_add(f6, 0.5)
i13 = int_add(i0, 1)
i14 = int_lt(i13, 6)
guard_true(i14, descr=guard:3) [r4, r5, r11, i7, i8, f9, i10, r2]
i15 = int_and(i13, 1)
guard_false(i15, descr=guard:4) [r4, r5, r2, i13]
jump(i13, f12, r4, i7, descr=target:V1)
`;
  const BRIDGE = '[r0, r1, r2, i3]\nf4 = unbox_float(r0)\nf5 = float_mul(f4, 2.0)\njump(i3, f5, r1, false, descr=target:V1)\n';

  for (const config of [{}, { bridgeMergeThreshold: 0 }, { bridgeMergeThreshold: 1 }, { fuel: 1 }, { encoder: 'binaryen' as const }]) {
    it(`boxes stay virtual until a jump needs an externref; builtins are inlined (${JSON.stringify(config)})`, () => {
      const { both, parse, add, guard } = pair(config);
      for (const d of [isInt, floor, keep]) add(d);
      const exits = both.map((bk) => {
        const loop = bk.compileLoop(parse(BOXES));
        bk.attachBridge(guard(4), parse(BRIDGE));
        return [loop.run([0, 1.5, 'x', true]), loop.run([0, -0, null, 7])];
      });
      expect(exits[1]).toEqual(exits[0]);
      const values = (exits[1][1] as { values: unknown[] }).values;
      expect(Object.is(values[0], -0) || typeof values[0] === 'number').toBe(true);
      guard(4).bridge = null;
    });
  }
});

describe('virtual boxes across bridges', () => {
  it('a bridge of a bridge, and a bridge that is a loop of its own, get unboxed inputs right', () => {
    const LOOP = `[i0, f1]
label(i0, f1, descr=B1)
r2 = box_float(f1)
r3 = box_int(i0)
i4 = int_add(i0, 1)
i5 = int_lt(i4, 50)
guard_true(i5, descr=guard:1) [r2, r3, i4]
i6 = int_and(i4, 3)
i7 = int_eq(i6, 0)
guard_false(i7, descr=guard:2) [r2, r3, i4]
f8 = float_add(f1, 1.0)
jump(i4, f8, descr=B1)
`.replace(/descr=B1/g, 'descr=target:B1');
    // bridge of guard 2: unboxes its (virtual) inputs, has a guard of its own whose bridge loops
    const BRIDGE = `[r0, r1, i2]
f3 = unbox_float(r0)
i4 = unbox_int(r1)
i5 = int_and(i2, 7)
i6 = int_eq(i5, 4)
guard_false(i6, descr=guard:3) [r0, r1, i2, f3]
f7 = float_mul(f3, 2.0)
jump(i2, f7, descr=target:B1)
`;
    const LOOPING = `[r0, r1, i2, f3]
label(r0, r1, i2, f3, descr=target:B2)
f4 = unbox_float(r0)
f5 = float_add(f4, f3)
i6 = int_add(i2, 1)
i7 = int_and(i6, 3)
i8 = int_ne(i7, 0)
guard_true(i8, descr=guard:4) [r0, r1, i6, f5]
r9 = box_float(f5)
jump(r9, r1, i6, f5, descr=target:B2)
`;
    for (const config of [{}, { bridgeMergeThreshold: 0 }, { bridgeMergeThreshold: 2 }, { fuel: 2, bridgeMergeThreshold: 1 }] as WasmBackendOptions[]) {
      const { both, parse, guard } = pair(config);
      const exits = both.map((bk) => {
        const loop = bk.compileLoop(parse(LOOP));
        bk.attachBridge(guard(2), parse(BRIDGE));
        bk.attachBridge(guard(3), parse(LOOPING));
        const out = loop.run([0, 0.5]);
        for (const g of [2, 3]) guard(g).bridge = null;
        return out;
      });
      expect(exits[1]).toEqual(exits[0]);
      expect(exits[0]).toMatchObject({ kind: 'guard', descr: guard(4) });
    }
  });
});

describe('helpers', () => {
  it('fields of the same name but different kinds get different helpers', () => {
    const { both, parse, add } = pair();
    add({ kind: 'field', owner: 'A', name: 'v', valueKind: 'f', immutable: false, quasiImmutable: false } as FieldDescr);
    add({ kind: 'field', owner: 'B', name: 'v', valueKind: 'r', immutable: false, quasiImmutable: false } as FieldDescr);
    add({ kind: 'field', owner: 'C', name: 'v', valueKind: 'i', immutable: false, quasiImmutable: false } as FieldDescr);
    const text = `[r0, r1, r2]
label(r0, r1, r2, descr=target:L1)
f3 = getfield_f(r0, descr=A.v)
r4 = getfield_r(r1, descr=B.v)
i5 = getfield_i(r2, descr=C.v)
setfield(r1, r0, descr=B.v)
finish(f3, r4, i5, descr=exit:done)
`;
    const make = () => [{ v: 1.5 }, { v: 'str' }, { v: true }];
    const [a, b] = both.map((bk) => bk.compileLoop(parse(text)).run(make()));
    expect(b).toEqual(a);
    expect(a).toEqual({ kind: 'finish', descr: done, values: [1.5, 'str', true] });
  });
});

describe('logging and statistics', () => {
  it('the log option receives the WebAssembly text of every module; stats count traces and time', () => {
    const texts: string[] = [];
    const { wasm, parse, guard } = pair({ log: (t) => texts.push(t) });
    wasm.compileLoop(parse(SWAP));
    wasm.attachBridge(guard(1), parse('[i0, i1, i2, f3, f4]\nfinish(i1, descr=exit:done)\n'));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('(func $run (param $0 i32) (param $1 i32) (result i32)');
    expect(texts[1]).toContain(';; wasm module for (unnamed trace)');
    expect(wasm.stats.traces).toBe(2);
    expect(wasm.stats.modules).toBe(2);
    expect(wasm.stats.perTraceMs).toHaveLength(2);
    expect(wasm.stats.format()).toMatch(/traces compiled\s+2 \(2 modules/);
  });
});

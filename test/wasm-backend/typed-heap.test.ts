// Typed-heap arrays (framework/typed-heap.ts, wasm-backend/typed-access.ts):
// compiled code loads and stores their items directly. Every element kind,
// odd indices (-0, fractions, NaN, out of bounds, negative) and values that
// need JS's conversions (fractions, NaN, infinities, beyond int32, beyond
// 2^63) must give what the reference backend gives on an ordinary array.

import { describe, expect, it } from 'vitest';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { DescrRegistry, type ExitDescr } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry } from '../../jit/ir/print.js';
import { typedArray, typedHeap, viewOf } from '../../framework/typed-heap.js';
import { WasmBackend } from '../../wasm-backend/wasm-backend.js';

const done: ExitDescr = { kind: 'exit', name: 'done', greens: [] };

// Reads a[i] and a[j], writes v at a[i], reads a[i] back and the length: the array is indexed
// more than once, so the wasm backend gives it a view.
const TRACE = `[r0, f1, f2, f3]
label(r0, f1, f2, f3, descr=target:T)
f4 = getarrayitem_f(r0, f1)
f5 = getarrayitem_f(r0, f2)
setarrayitem(r0, f1, f3)
f6 = getarrayitem_f(r0, f1)
f7 = arraylen(r0)
f8 = int_to_float(7)
setarrayitem(r0, f2, f8)
finish(f4, f5, f6, f7, descr=exit:done)
`;

const KINDS = [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array] as const;
const INDICES = [0, -0, 3, 7, 8, -1, 1.5, NaN, Infinity, 2 ** 32];
const VALUES = [0, -0, 1, -1, 255, 256, -129, 1.5, -2.5, 2 ** 31, 2 ** 32 + 3, -(2 ** 40) - 1, 2 ** 64, NaN, Infinity, -Infinity, 0.1];

describe('typed-heap arrays', () => {
  it('typedArray allocates in the heap once it exists; viewOf describes only those arrays', () => {
    typedHeap();
    const a = typedArray(Uint16Array, 5) as Uint16Array;
    expect(a).toBeInstanceOf(Uint16Array);
    expect(a.length).toBe(5);
    expect(a.buffer).toBe(typedHeap().buffer);
    expect(viewOf(a)).toMatchObject({ kind: 3, base: a.byteOffset, length: 5 });
    expect(viewOf(new Uint16Array(5)).kind).toBe(0);
    expect(viewOf([1, 2]).kind).toBe(0);
    expect(typedArray(Uint8Array, [1, 2])).toEqual(new Uint8Array([1, 2]));
  });

  it('loads, stores and lengths on every kind agree with the reference backend on ordinary arrays', () => {
    const descrs = new DescrRegistry();
    descrs.add(done);
    const consts = new ConstRegistry();
    const ref = new RefBackend().compileLoop(parseTrace(TRACE, descrs, consts));
    const wasm = new WasmBackend({ validate: true }).compileLoop(parseTrace(TRACE, descrs, consts));
    typedHeap();
    for (const C of KINDS) {
      for (const i of INDICES) {
        for (const v of VALUES) {
          const init = (a: { [k: number]: number; length: number }) => { for (let k = 0; k < a.length; k++) a[k] = k * 3 + 1; return a; };
          const plain = init(new C(8));
          const heap = init(typedArray(C, 8) as InstanceType<typeof C>);
          const j = 2;
          // An out-of-bounds read is undefined on ref, NaN on wasm (an ill-typed trace; see the wasm README).
          const r0 = ref.run([plain, i, j, v]);
          const r = r0.kind === 'finish' ? { ...r0, values: r0.values.map((x) => (x === undefined ? NaN : x)) } : r0;
          const w = wasm.run([heap, i, j, v]);
          expect(w, `${C.name} i=${i} v=${v}`).toEqual(r);
          expect(Array.from(heap), `${C.name} i=${i} v=${v}`).toEqual(Array.from(plain));
        }
      }
    }
  });

  it('ops with an array descr (the static kind) agree with the reference backend, in the heap and not', () => {
    typedHeap();
    for (const C of KINDS) {
      const float = C === Float32Array || C === Float64Array;
      const d = `descr=array:${C.name}`;
      const text = `[r0, f1, f2, f3]
label(r0, f1, f2, f3, descr=target:T)
i4 = typed_index_ok(r0, f1, ${d})
${float ? 'f5 = getarrayitem_f' : 'i5 = getarrayitem_i'}(r0, f1, ${d})
f6 = getarrayitem_f(r0, f2, ${d})
setarrayitem(r0, f1, f3, ${d})
${float ? 'f7 = getarrayitem_f' : 'i7 = getarrayitem_i'}(r0, f1, ${d})
i8 = float_to_int32(f3)
setarrayitem(r0, f2, i8, ${d})
f9 = arraylen(r0)
finish(i4, ${float ? 'f5' : 'i5'}, f6, ${float ? 'f7' : 'i7'}, f9, descr=exit:done)
`;
      const descrs = new DescrRegistry();
      descrs.add(done);
      const consts = new ConstRegistry();
      const ref = new RefBackend().compileLoop(parseTrace(text, descrs, consts));
      const wasm = new WasmBackend({ validate: true }).compileLoop(parseTrace(text, descrs, consts));
      for (const i of INDICES) {
        for (const v of VALUES) {
          const init = (a: { [k: number]: number; length: number }) => { for (let k = 0; k < a.length; k++) a[k] = k * 5 + 2; return a; };
          const plain = init(new C(8));
          const r0 = ref.run([plain, i, 2, v]);
          const r = r0.kind === 'finish' ? { ...r0, values: r0.values.map((x) => (x === undefined ? NaN : x)) } : r0;
          for (const arr of [init(typedArray(C, 8) as InstanceType<typeof C>), init(new C(8))]) {
            const w = wasm.run([arr, i, 2, v]);
            expect(w, `${C.name} i=${i} v=${v}`).toEqual(r);
            expect(Array.from(arr), `${C.name} i=${i} v=${v}`).toEqual(Array.from(plain));
          }
        }
      }
    }
  });
});

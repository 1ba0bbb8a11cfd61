// Measurements of the wasm backend (not a test: skipped unless WASM_MEASURE=1).
//
//   WASM_MEASURE=1 npx vitest run test/wasm-backend/measure.test.ts
//
// Prints: compile latency per trace (cold and warm), the cost of one run()
// (JS -> wasm -> exit -> JS), ns per loop iteration on wasm and on the
// reference backend, the cost of bridges inlined in their loop's unit vs
// dispatched from JS, and the small interpreters' example programs with the
// JIT off, on ref and on wasm.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import type { Backend } from '../../jit/backend.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { Descr, ExitDescr, FieldDescr, GuardDescr } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry } from '../../jit/ir/print.js';
import { defaultParams } from '../../jit/params.js';
import { JitStats } from '../../jit/stats.js';
import { CapturedOutput, setOutput } from '../../framework/host.js';
import { loadInterpreter } from '../../framework/loader.js';
import { WasmBackend } from '../../wasm-backend/wasm-backend.js';
import { randomTrace } from '../support/random-trace.js';

const enabled = process.env.WASM_MEASURE === '1';
const done: ExitDescr = { kind: 'exit', name: 'done', greens: [] };
const acc: FieldDescr = { kind: 'field', owner: 'Acc', name: 'acc', valueKind: 'f', immutable: false, quasiImmutable: false };

function parser() {
  const descrs = new DescrRegistry();
  for (const d of [done, acc] as Descr[]) descrs.add(d);
  const consts = new ConstRegistry();
  const parse = (text: string) => parseTrace(text, descrs, consts);
  const guard = (id: number) => descrs.get(`guard:${id}`) as GuardDescr;
  return Object.assign(parse, { guard });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} us` : `${ms.toFixed(2)} ms`);

/** Best of `reps` timings of f(), in ms. */
function best(reps: number, f: () => void): number {
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

const FLOAT_LOOP = (n: number) => `[i0, f1]
label(i0, f1, descr=target:L1)
i2 = int_add(i0, 1)
f3 = int_to_float(i2)
f4 = float_mul(f3, 0.5)
f5 = float_add(f1, f4)
i6 = int_lt(i2, ${n})
guard_true(i6, descr=guard:1) [i2, f5]
jump(i2, f5, descr=target:L1)
`;

const HEAP_LOOP = (n: number) => `[i0, r1]
label(i0, r1, descr=target:L2)
i2 = int_add(i0, 1)
f3 = getfield_f(r1, descr=Acc.acc)
f4 = int_to_float(i2)
f5 = float_add(f3, f4)
setfield(r1, f5, descr=Acc.acc)
i6 = int_lt(i2, ${n})
guard_true(i6, descr=guard:2) [i2, r1]
jump(i2, r1, descr=target:L2)
`;

// Every other iteration leaves through guard 4 (i2 odd); its bridge adds and jumps back.
const BRANCHY_LOOP = (n: number) => `[i0, f1]
label(i0, f1, descr=target:L3)
i2 = int_add(i0, 1)
i3 = int_lt(i2, ${n})
guard_true(i3, descr=guard:3) [i2, f1]
i4 = int_and(i2, 1)
guard_false(i4, descr=guard:4) [i2, f1]
f5 = float_add(f1, 1.0)
jump(i2, f5, descr=target:L3)
`;
const BRANCHY_BRIDGE = '[i0, f1]\nf2 = float_sub(f1, 0.25)\njump(i0, f2, descr=target:L3)\n';

describe.skipIf(!enabled)('wasm backend measurements', () => {
  it('compile latency', () => {
    const lines: string[] = [];
    for (const encoder of ['direct', 'binaryen'] as const) {
      const parse = parser();
      const t0 = performance.now();
      new WasmBackend({ encoder }).compileLoop(parse(FLOAT_LOOP(10)));
      const cold = performance.now() - t0;
      const traces = fc.sample(randomTrace({ maxSteps: 40 }), { numRuns: 400, seed: 42 }).map((r) => r.trace);
      const times: number[] = [];
      const sizes: number[] = [];
      const stats = [] as WasmBackend['stats'][];
      traces.forEach((t, k) => {
        const b = new WasmBackend({ encoder });
        const s = performance.now();
        b.compileLoop(t);
        times.push(performance.now() - s);
        sizes.push(t.ops.length);
        if (k >= 200) stats.push(b.stats);
      });
      const warm = times.slice(200);
      const sum = (f: (s: WasmBackend['stats']) => number) => stats.reduce((n, s) => n + f(s), 0) / stats.length;
      lines.push(
        `encoder ${encoder}: first trace of the process ${fmt(cold)}${encoder === 'binaryen' ? ' (starts the worker, loads binaryen)' : ''}`,
        `  random traces (median ${median(sizes)} ops, max ${Math.max(...sizes)}): first 10 ${times.slice(0, 10).map(fmt).join(', ')}`,
        `  warm (traces 200-399): median ${fmt(median(warm))}, p90 ${fmt(pct(warm, 0.9))}, max ${fmt(Math.max(...warm))}`,
        `  per trace: lowering ${fmt(sum((s) => s.lowerMs))}, encoding ${fmt(sum((s) => s.encodeMs))}${encoder === 'binaryen' ? ` (binaryen itself ${fmt(sum((s) => s.workerMs))}, the rest messaging)` : ''}, instantiate ${fmt(sum((s) => s.instantiateMs))}`,
      );
    }
    console.log(lines.join('\n'));
  });

  it('run() overhead, loop speed, bridges', () => {
    const rows: string[] = [];
    const make = (name: string): Backend => (name === 'ref' ? new RefBackend() : new WasmBackend());
    // One run() that exits at once: entry, one iteration, guard exit, values back to JS.
    for (const name of ['ref', 'wasm']) {
      const loop = make(name).compileLoop(parser()(FLOAT_LOOP(0)));
      const n = 200_000;
      for (let k = 0; k < n; k++) loop.run([0, 1.5]);
      const ms = best(5, () => { for (let k = 0; k < n; k++) loop.run([0, 1.5]); });
      rows.push(`run() that exits after one iteration, ${name}: ${((ms * 1e6) / n).toFixed(0)} ns`);
    }
    const N = 20_000_000;
    for (const [what, text, input] of [['float loop', FLOAT_LOOP(N), () => [0, 0]], ['getfield+setfield loop', HEAP_LOOP(N), () => [0, { acc: 0 }]]] as const) {
      for (const name of ['ref', 'wasm']) {
        const loop = make(name).compileLoop(parser()(text));
        const n = name === 'ref' ? N / 10 : N;
        const ms = best(3, () => loop.run(name === 'ref' ? [N - n, (input() as unknown[])[1]] : input() as unknown[]));
        rows.push(`${what}, ${name}: ${((ms * 1e6) / n).toFixed(2)} ns/iteration`);
      }
    }
    for (const [name, make2] of [['ref', () => new RefBackend()], ['wasm, bridge merged into the loop unit', () => new WasmBackend({ bridgeMergeThreshold: 0 })], ['wasm, bridge dispatched from JS', () => new WasmBackend({ maxUnitTraces: 1 })]] as const) {
      const parse = parser();
      const backend: Backend = make2();
      const loop = backend.compileLoop(parse(BRANCHY_LOOP(N)));
      backend.attachBridge(parse.guard(4), parse(BRANCHY_BRIDGE));
      const n = name === 'ref' ? N / 10 : N / 4;
      const ms = best(3, () => loop.run([N - n, 0]));
      rows.push(`loop whose bridge is taken every other iteration, ${name}: ${((ms * 1e6) / n).toFixed(2)} ns/iteration`);
    }
    console.log(rows.join('\n'));
  });

  it('small interpreters: JIT off, ref, wasm', { timeout: 900_000 }, async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../interpreters');
    const programs: [string, string][] = [
      ['regvm', 'sum.rvm'], ['regvm', 'float.rvm'], ['regvm', 'fib.rvm'], ['bf', 'triangle.b'], ['bf', 'letters.b'],
    ];
    const rows: string[] = ['program                off (1st/best)         ref (1st/best)        wasm (1st/best)   wasm/off (1st run / best)'];
    for (const [interp, prog] of programs) {
      const times: Record<string, number> = {};
      const firsts: Record<string, number> = {};
      let outs = new Set<string>();
      for (const config of ['off', 'ref', 'wasm']) {
        const stats = new JitStats();
        const backend = config === 'ref' ? new RefBackend() : new WasmBackend();
        const loaded = await loadInterpreter(path.join(root, interp, 'main.ts'), config === 'off' ? null : { backend, params: defaultParams(), stats });
        let best_ = Infinity;
        for (let r = 0; r < 2; r++) {
          const out = new CapturedOutput();
          const old = setOutput(out);
          const t0 = performance.now();
          try { loaded.main([path.join(root, interp, 'examples', prog)]); } finally { setOutput(old); }
          if (r === 0) firsts[config] = performance.now() - t0;
          best_ = Math.min(best_, performance.now() - t0);
          outs.add(out.out);
        }
        times[config] = best_;
        if (config === 'wasm') rows.push(`  (wasm: ${(backend as WasmBackend).stats.traces} traces, compile ${(backend as WasmBackend).stats.totalMs.toFixed(1)} ms)`);
      }
      const both = (c: string) => `${fmt(firsts[c])}/${fmt(times[c])}`.padStart(22);
      rows.push(`${(interp + '/' + prog).padEnd(20)} ${both('off')} ${both('ref')} ${both('wasm')}   ${(firsts.off / firsts.wasm).toFixed(1)}x / ${(times.off / times.wasm).toFixed(1)}x${outs.size === 1 ? '' : '  OUTPUTS DIFFER'}`);
      outs = new Set();
    }
    console.log(rows.join('\n'));
  });
});

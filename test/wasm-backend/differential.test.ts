// Differential property test: random loop traces (test/support/random-trace.ts),
// with random bridges attached to their guards and random forced guard
// failures, give the same result on the wasm backend as on the reference
// backend: the same exit (the same guard or finish descriptor, Object.is-
// identical values, the same exception) or the same thrown error, and the same
// effects on the heap (the input Points and everything reachable from them,
// compared structurally, object identity mapped one to one).
//
// Bridges either finish or jump back into the loop; a jumping bridge first
// calls `fuse`, which raises after a few calls, so every run terminates.
// The wasm backend runs in several configurations (CONFIGS): bridges in
// modules of their own or merged into their loop's unit (at once, or while the
// loop runs), and fuel so small that back-edges leave through the dispatcher.

import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import type { Backend, BackendOptions, TraceExit } from '../../jit/backend.js';
import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import type { CallDescr, ExitDescr, GuardDescr, TargetDescr } from '../../jit/ir/descr.js';
import { BoxFactory, constOf } from '../../jit/ir/trace.js';
import type { Box, Op, Trace, Value } from '../../jit/ir/trace.js';
import { WasmBackend, type WasmBackendOptions } from '../../wasm-backend/wasm-backend.js';
import { Point, randomRun, type RandomTrace } from '../support/random-trace.js';

type BridgeKind = 'none' | 'finish' | 'jump';
type Force = { readonly kind: 'none' } | { readonly kind: 'all' } | { readonly kind: 'nth'; readonly n: number } | { readonly kind: 'mask'; readonly mask: number };

const FORCE: fc.Arbitrary<Force> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'all' } as const) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 12 }).map((n) => ({ kind: 'nth', n }) as const) },
  { weight: 2, arbitrary: fc.nat().map((mask) => ({ kind: 'mask', mask }) as const) },
);
const BRIDGES = fc.array(fc.constantFrom<BridgeKind>('none', 'none', 'finish', 'jump'), { maxLength: 12 });

const CONFIGS: readonly WasmBackendOptions[] = [
  {}, // bridges in units of their own, entered through the dispatcher
  { bridgeMergeThreshold: 0 }, // bridges compiled into their loop's unit at once
  { bridgeMergeThreshold: 1, fuel: 3 }, // merged while the loop runs; back-edges leave often
  { bridgeMergeThreshold: 2, maxUnitTraces: 2 },
  { fuel: 1, bridgeMergeThreshold: 0 }, // every back-edge through the dispatcher
  { encoder: 'binaryen', validate: true }, // the same modules, built by binaryen
  { encoder: 'binaryen', validate: true, bridgeMergeThreshold: 0 },
];

const bridgeExit: ExitDescr = { kind: 'exit', name: 'bridge done', greens: [] };

/** Raises once it has been called more than `left` times (reset before each run). */
const fuseState = { left: 0 };
const fuse: CallDescr = {
  kind: 'call', name: 'fuse', effect: 'write', canRaise: true, resultKind: 'i',
  fn: () => { if (--fuseState.left < 0) throw new Error('fuse blown'); return fuseState.left; },
};

let nextGuardId = 100_000;

/** A bridge for a guard with these failArgs: `finish` them, or call fuse and jump back to the loop. */
function makeBridge(failArgs: readonly Value[], kind: 'finish' | 'jump', rt: RandomTrace, target: TargetDescr): Trace {
  const boxes = new BoxFactory();
  const inputs: Box[] = failArgs.map((a) => boxes.box(a.kind));
  const ops: Op[] = [];
  const anyOf = (k: 'i' | 'f' | 'r') => inputs.find((b) => b.kind === k);
  const f = anyOf('f');
  const r = anyOf('r');
  if (kind === 'jump' && (r !== undefined || !rt.inputTypes.includes('point'))) {
    const res = boxes.box('i');
    ops.push({ opcode: 'call_i', args: [], result: res, descr: fuse, failArgs: null });
    const g: GuardDescr = { kind: 'guard', id: nextGuardId++, resume: null, failures: 0, bridge: null };
    ops.push({ opcode: 'guard_no_exception', args: [], result: null, descr: g, failArgs: [...inputs] });
    const args = rt.inputTypes.map((t, k): Value => {
      if (k === 0) return constOf('i', 2);
      switch (t) {
        case 'int': return constOf('i', 3);
        case 'bool': return constOf('i', true);
        case 'float': return f ?? constOf('f', 0.25);
        case 'point': return r!;
      }
    });
    ops.push({ opcode: 'jump', args, result: null, descr: target, failArgs: null });
  } else {
    const extra: Value[] = [];
    if (f !== undefined) {
      const sum = boxes.box('f');
      ops.push({ opcode: 'float_add', args: [f, constOf('f', 1.5)], result: sum, descr: null, failArgs: null });
      extra.push(sum);
    }
    ops.push({ opcode: 'finish', args: [...inputs, ...extra], result: null, descr: bridgeExit, failArgs: null });
  }
  return { name: `bridge (${kind})`, inputs, ops };
}

function predicate(force: Force): BackendOptions['forceGuardFailure'] {
  switch (force.kind) {
    case 'none': return undefined;
    case 'all': return () => true;
    case 'nth': { let n = 0; return () => ++n === force.n; }
    case 'mask': return (g) => ((force.mask >>> (g.id % 31)) & 1) === 1;
  }
}

interface Outcome {
  readonly exit: TraceExit | null;
  readonly thrown: unknown;
  readonly inputs: unknown[];
}

/** Compiles the trace and its bridges on a fresh backend and runs it once on fresh inputs. */
function runOn(make: (o: BackendOptions) => Backend, rt: RandomTrace, bridges: readonly (Trace | null)[], guards: readonly GuardDescr[], force: Force, makeInputs: () => unknown[]): Outcome {
  for (const g of guards) g.bridge = null;
  const backend = make({ forceGuardFailure: predicate(force) });
  const loop = backend.compileLoop(rt.trace);
  bridges.forEach((b, k) => { if (b !== null) backend.attachBridge(guards[k], b); });
  const inputs = makeInputs();
  fuseState.left = 4;
  try {
    return { exit: loop.run(inputs), thrown: null, inputs };
  } catch (e) {
    return { exit: null, thrown: e, inputs };
  }
}

/** Structural equality with object identity mapped one to one (a Point of one run <-> a Point of the other). */
function same(a: unknown, b: unknown, pairs: Map<unknown, unknown>): boolean {
  if (a instanceof Point && b instanceof Point) {
    if (pairs.has(a)) return pairs.get(a) === b;
    pairs.set(a, b);
    return Object.is(a.x, b.x) && Object.is(a.n, b.n) && Object.is(a.b, b.b) && same(a.link, b.link, pairs);
  }
  if (a instanceof Error && b instanceof Error) return a.constructor === b.constructor && a.message === b.message;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => same(x, b[k], pairs));
  return Object.is(a, b);
}

function describeOutcome(o: Outcome): string {
  const show = (v: unknown): string => (v instanceof Point ? `Point(${v.x}, ${v.n}, ${v.b})` : Object.is(v, -0) ? '-0' : typeof v === 'string' ? JSON.stringify(v) : String(v));
  if (o.exit === null) return `threw ${String(o.thrown)}`;
  const e = o.exit;
  return `${e.kind} ${e.kind === 'guard' ? `guard:${e.descr.id}` : e.descr.name} [${e.values.map(show).join(', ')}]${e.kind === 'guard' && e.exception ? ` exception ${String(e.exception.value)}` : ''}`;
}

function compare(expected: Outcome, got: Outcome): void {
  const pairs = new Map<unknown, unknown>();
  const message = `ref: ${describeOutcome(expected)}\nwasm: ${describeOutcome(got)}`;
  if (expected.exit === null || got.exit === null) {
    expect(got.exit === null, message).toBe(expected.exit === null);
    expect(same(expected.thrown, got.thrown, pairs), message).toBe(true);
  } else {
    const [e, g] = [expected.exit, got.exit];
    expect(g.kind, message).toBe(e.kind);
    expect(g.descr, message).toBe(e.descr);
    expect(same(e.values, g.values, pairs), message).toBe(true);
    if (e.kind === 'guard' && g.kind === 'guard') {
      expect(g.exception === null, message).toBe(e.exception === null);
      if (e.exception !== null) expect(same(e.exception.value, g.exception!.value, pairs), message).toBe(true);
    }
  }
  expect(same(expected.inputs, got.inputs, pairs), `heap effects differ\n${message}`).toBe(true);
}

/** What the runs exercised, so the property is known to mean something. */
const tally = { runs: 0, forced: 0, bridgeFinish: 0, fuseBlown: 0, raised: 0, guardExits: 0, configs: new Set<number>() };

function count(o: Outcome, force: Force, config: number): void {
  tally.runs++;
  tally.configs.add(config);
  if (force.kind !== 'none') tally.forced++;
  const e = o.exit;
  if (e === null) return;
  if (e.kind === 'finish' && e.descr === bridgeExit) tally.bridgeFinish++;
  if (e.kind === 'guard') {
    tally.guardExits++;
    const v = e.exception?.value;
    if (v instanceof Error && v.message === 'fuse blown') tally.fuseBlown++;
    if (v instanceof RangeError) tally.raised++;
  }
}

const SCENARIO = fc.record({ run: randomRun({ maxSteps: 40 }), force: FORCE, bridges: BRIDGES, config: fc.nat({ max: CONFIGS.length - 1 }) });

describe('wasm backend vs reference backend', () => {
  test.prop([SCENARIO], { numRuns: 300 })('same exits, values, exceptions and heap effects, with bridges and forced guard failures', ({ run, force, bridges, config }) => {
    const { rt, makeInputs } = run;
    const guardOps = rt.trace.ops.filter((op) => op.failArgs !== null);
    const guards = guardOps.map((op) => op.descr as GuardDescr);
    const target = rt.trace.ops[0].descr as TargetDescr;
    const bridgeTraces = guardOps.map((op, k): Trace | null => {
      const kind = bridges[k % Math.max(1, bridges.length)] ?? 'none';
      return kind === 'none' ? null : makeBridge(op.failArgs!, kind, rt, target);
    });
    const expected = runOn((o) => new RefBackend(o), rt, bridgeTraces, guards, force, makeInputs);
    const got = runOn((o) => new WasmBackend({ ...CONFIGS[config], ...o }), rt, bridgeTraces, guards, force, makeInputs);
    compare(expected, got);
    count(got, force, config);
  });

  it('the runs took bridges, raised, and forced guards to fail, in every configuration', () => {
    expect(tally.runs).toBeGreaterThanOrEqual(300);
    expect(tally.forced).toBeGreaterThan(100);
    expect(tally.guardExits).toBeGreaterThan(50);
    expect(tally.bridgeFinish).toBeGreaterThan(20);
    expect(tally.fuseBlown + tally.raised).toBeGreaterThan(10); // exceptions from host calls
    expect(tally.fuseBlown).toBeGreaterThan(0);
    expect(tally.configs.size).toBe(CONFIGS.length);
  });
});

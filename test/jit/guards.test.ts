// Guard failure and resume: when compiled code leaves through a guard, the
// interpreter must continue exactly where the trace was, with every side effect
// done once. Each test compares the JIT's output with the plain interpreter's
// and checks that the interesting exit really happened.
import { describe, expect, test } from 'vitest';
import { configurations, eagerParams } from '../../framework/testing/index.js';
import type { GuardDescr } from '../../jit/ir/descr.js';
import type { Op, Trace } from '../../jit/ir/trace.js';
import {
  bridges, dumpTraces, expectOps, expectTraceCount, metaInterp, metaInterpWith, theLoop, type MetaInterpOptions, type MetaInterpResult,
} from '../support/meta-interp.js';

/** Runs under the JIT and checks the output (and exit) against the plain interpreter. */
async function sameAsPlain(fixture: string, argv: string[], opts: MetaInterpOptions = {}): Promise<MetaInterpResult> {
  const plain = await metaInterp(fixture, argv, { jit: false });
  const jit = await metaInterp(fixture, argv, opts);
  expect({ out: jit.out, err: jit.err, exit: jit.exit }, dumpTraces(jit)).toEqual({ out: plain.out, err: plain.err, exit: plain.exit });
  return jit;
}

const isGuard = (op: Op): boolean => op.opcode.startsWith('guard_');
/** The first guard in the loop body after op index `after` (the loop's own exit test comes first). */
const guardAfter = (t: Trace, after: number): Op => t.ops.find((op, i) => i > after && isGuard(op))!;
const indexOfWrite = (t: Trace, field: string): number =>
  t.ops.findIndex((op) => op.opcode === 'setfield' && (op.descr as { name: string }).name === field);

describe('(a) a guard failing mid-bytecode, after a side effect', () => {
  test('resumes after the write, not before it', async () => {
    const r = await sameAsPlain('guard-mid-bytecode.ts', ['100']);
    expect(r.out).toBe('steps=100 thirds=1650 others=67\n');
    // The loop writes `steps` and then guards on the branch, inside one bytecode.
    const loop = theLoop(r);
    const write = indexOfWrite(loop, 'steps');
    expect(write).toBeGreaterThan(0);
    expect(guardAfter(loop, write)).toBeDefined();
    expect(r.stats.guardFailures).toBeGreaterThan(10);
  });

  test('the same holds when the failures go to a bridge', async () => {
    const r = await sameAsPlain('guard-mid-bytecode.ts', ['100'], { params: { bridge_threshold: 2 } });
    expect(r.stats.bridges).toBeGreaterThanOrEqual(1);
  });
});

describe('(b) a guard failing inside inlined helpers, two frames deep', () => {
  test('rebuilds all three frames and finishes each exactly once', async () => {
    const r = await sameAsPlain('guard-inlined.ts', ['100']);
    const loop = theLoop(r);
    // Both helpers are inlined: no calls in the loop.
    expectOps(loop, { call_f: 0, call_n: 0, call_r: 0, call_i: 0 });
    // The branch guard in `classify` resumes into run -> visit -> classify.
    const guard = loop.ops.find((op) => isGuard(op) && (op.descr as GuardDescr).resume!.frames.length > 1)!;
    const frames = (guard.descr as GuardDescr).resume!.frames.map((f) => f.code.name);
    expect(frames).toEqual(['guard-inlined.ts:run', 'guard-inlined.ts:visit', 'guard-inlined.ts:classify']);
    expect(r.stats.guardFailures).toBeGreaterThan(10);
  });

  test('and through a bridge traced from that guard', async () => {
    const r = await sameAsPlain('guard-inlined.ts', ['100'], { params: { bridge_threshold: 2 } });
    expect(r.stats.bridges).toBeGreaterThanOrEqual(1);
  });
});

describe('(c) an exception from a residual call in compiled code', () => {
  test('fails guard_no_exception and is caught by the interpreter\'s own try/catch', async () => {
    const r = await sameAsPlain('guard-exception.ts', ['100']);
    expect(r.out).toBe('acc=8730 caught=735\n');
    const loop = theLoop(r);
    expectOps(loop, { call_f: 1, guard_no_exception: 1 });
    const call = loop.ops.findIndex((op) => op.opcode === 'call_f');
    expect(loop.ops[call + 1].opcode).toBe('guard_no_exception');
    // 14 multiples of 7 in 1..100, most of them thrown from compiled code.
    expect(r.stats.guardFailures).toBeGreaterThan(10);
  });

  test('also when the guard has failed often enough to want a bridge', async () => {
    await sameAsPlain('guard-exception.ts', ['100'], { params: { bridge_threshold: 2 } });
  });

  test('thrown inside an inlined helper (after it wrote a field), caught by the portal two frames up', async () => {
    const r = await sameAsPlain('exception-deep.ts', ['100', '-1']);
    // 14 multiples of 7: `visits` gets +1 for each and +101 for the other 86.
    expect(r.out).toBe('acc=8630 visits=8700 caught=14\n');
    expectOps(theLoop(r), { call_f: 1, guard_no_exception: 1 });
    expect(r.stats.guardFailures).toBeGreaterThan(10);
  });

  test('a guest error raised in compiled code that escapes the portal reaches main\'s catch', async () => {
    const r = await sameAsPlain('exception-deep.ts', ['100', '30']);
    expect(r.out).toBe('stopped at 30; acc=7840 visits=6070 caught=10\n');
    expect(r.stats.loops).toBe(1);
  });

  test('an exception while tracing aborts the trace and is still caught', async () => {
    // Tracing starts at the 4th iteration, i = 7: `check(7)` throws while being traced.
    const r = await sameAsPlain('guard-exception.ts', ['10']);
    expect(r.stats.abortReasons.get('residual_raised')).toBe(1);
  });
});

describe('(d) bridges', () => {
  test('a guard that fails often gets a bridge; then blackhole runs stop growing', async () => {
    const opts = { params: { bridge_threshold: 2 } };
    const short = await sameAsPlain('guard-bridge.ts', ['100'], opts);
    const long = await sameAsPlain('guard-bridge.ts', ['1000'], opts);
    expect(long.out).toBe('even=250500 odd=500\n');
    for (const r of [short, long]) {
      expectTraceCount(r, 1);
      expect(r.stats.bridges).toBeGreaterThanOrEqual(1);
    }
    // The bridge hangs off the loop's parity guard (in the optimized loop: after
    // peeling, the copy in the loop proper) and jumps back into the loop.
    theLoop(long);
    const optimized = long.runtime!.compiledTraces.find((t) => t.kind === 'loop')!.optimized;
    const bridged = optimized.ops.filter((o) => o.descr?.kind === 'guard' && (o.descr as GuardDescr).bridge !== null);
    expect(bridged.length).toBe(1);
    expect(bridges(long)[0].name).toBe(`bridge from guard ${(bridged[0].descr as GuardDescr).id}`);
    // Ten times the iterations, no more blackhole runs: both paths run compiled.
    expect(long.stats.blackholes).toBe(short.stats.blackholes);
    expect(long.stats.guardFailures).toBe(short.stats.guardFailures);
  });

  test('before bridge_threshold failures, each failure runs the blackhole', async () => {
    const r = await sameAsPlain('guard-bridge.ts', ['1000'], { params: { bridge_threshold: 1000 } });
    expect(r.stats.bridges).toBe(0);
    expect(r.stats.blackholes).toBeGreaterThan(400);
  });
});

// Every fixture with the arguments its tests use.
const FIXTURES: readonly (readonly [string, string[]])[] = [
  ['countdown.ts', ['100']],
  ['switch-dispatch.ts', ['100']],
  ['nested-loops.ts', ['30']],
  ['objects.ts', ['50']],
  ['hint-promote.ts', ['0', '50']],
  ['hint-promote.ts', ['1', '50']],
  ['hint-elidable.ts', ['0', '50']],
  ['hint-elidable.ts', ['1', '50']],
  ['hint-elidable.ts', ['2', '50']],
  ['hint-dont-look-inside.ts', ['0', '50']],
  ['hint-dont-look-inside.ts', ['1', '50']],
  ['hint-unroll-safe.ts', ['0', '50']],
  ['hint-unroll-safe.ts', ['1', '50']],
  ['hint-we-are-jitted.ts', ['50']],
  ['hint-readonly-field.ts', ['0', '50']],
  ['hint-readonly-field.ts', ['1', '50']],
  ['hint-readonly-array.ts', ['0', '50']],
  ['hint-readonly-array.ts', ['1', '50']],
  ['hint-quasi-immutable.ts', ['50', '20']],
  ['hint-quasi-immutable.ts', ['50', '-1', 'again']],
  ['guard-mid-bytecode.ts', ['100']],
  ['guard-inlined.ts', ['100']],
  ['guard-exception.ts', ['100']],
  ['guard-bridge.ts', ['100']],
  ['abort-long.ts', ['100']],
  ['guest-calls.ts', ['30']],
  ['recursive-helper.ts', ['50', '10']],
  ['exception-deep.ts', ['100', '-1']],
  ['exception-deep.ts', ['100', '30']],
  ['bridge-abort.ts', ['1000']],
];

describe('(e) every guard forced to fail', () => {
  // JIT off (the reference), then each backend normally and with every guard failing.
  const [reference, ...others] = configurations(eagerParams());

  test.each(FIXTURES)('%s %j: identical output in every configuration', async (fixture, argv) => {
    const expected = await metaInterpWith(fixture, argv, reference);
    for (const config of others) {
      const r = await metaInterpWith(fixture, argv, config);
      expect({ out: r.out, err: r.err, exit: r.exit }, `${config.name}\n${dumpTraces(r)}`).toEqual({ out: expected.out, err: expected.err, exit: expected.exit });
      // Compiled code really ran, and with forced failures really left through guards.
      expect(r.stats.loops, config.name).toBeGreaterThan(0);
      if (config.jit?.forceGuardFailure) expect(r.stats.guardFailures, config.name).toBeGreaterThan(0);
    }
  });
});

describe('(f) aborts', () => {
  const tiny = { trace_limit: 5, max_aborts: 3 };

  test('a tiny trace_limit aborts tracing with trace_too_long, logged at the guest location', async () => {
    const r = await sameAsPlain('abort-long.ts', ['100'], { params: tiny });
    expect(r.out).toBe('a=732 b=163\n');
    expectTraceCount(r, 0);
    expect(r.stats.abortReasons.get('trace_too_long')).toBe(3);
    expect(r.log).toContain('# trace aborted at body@7: trace_too_long');
  });

  test('after max_aborts the key is blacklisted: no more attempts, however long the loop runs', async () => {
    for (const n of ['100', '2000']) {
      const r = await sameAsPlain('abort-long.ts', [n], { params: tiny });
      expect(r.stats.aborts).toBe(3);
    }
    const once = await sameAsPlain('abort-long.ts', ['2000'], { params: { trace_limit: 5, max_aborts: 1 } });
    expect(once.stats.aborts).toBe(1);
  });
});

describe('the back-edge inside a guest try block', () => {
  // canEnterJit hands control around with exceptions (jit/control.ts); every
  // catch of interpreter code rethrows them first, so a guest catch-all around
  // the back-edge never swallows them.
  test('a catch-all around the back-edge does not see the JIT\'s control transfers', async () => {
    // repro: catch-all.ts 100 -> JIT `acc=4215 caught=16`, plain `acc=4215 caught=15`
    await sameAsPlain('catch-all.ts', ['100']);
  });

  // A guest error that left the portal frame in compiled code or the blackhole
  // leaves the portal again (PortalRaised), not through the try around canEnterJit.
  test('a guest error escaping the portal is not caught again by the try around the back-edge', async () => {
    // repro: try-back-edge.ts 100 50 -> JIT `stopped at 50; acc=3186 caught=8`, plain `... caught=7`
    await sameAsPlain('try-back-edge.ts', ['100', '50']);
  });

  test('without an escaping error the same loop agrees with the plain interpreter', async () => {
    await sameAsPlain('try-back-edge.ts', ['100', '-1']);
  });
});

describe('bridges that cannot be traced', () => {
  // The loop (short path) fits in trace_limit; the rarely taken long path does not.
  const params = { trace_limit: 20, bridge_threshold: 2, max_aborts: 3 };

  test('the loop compiles, bridge attempts abort with trace_too_long, the output is right', async () => {
    const r = await sameAsPlain('bridge-abort.ts', ['1000'], { params });
    expectTraceCount(r, 1);
    expect(r.stats.bridges).toBe(0);
    expect(r.stats.abortReasons.get('trace_too_long')).toBeGreaterThan(0);
  });

  // params.max_aborts: a guard whose bridge aborts that often is never traced again.
  test('a guard whose bridge keeps aborting stops being traced after max_aborts', async () => {
    const r = await sameAsPlain('bridge-abort.ts', ['10000'], { params });
    expect(r.stats.aborts).toBeLessThanOrEqual(params.max_aborts);
  });

  // A bridge starts in the middle of an iteration: its guard's snapshot knows where.
  test('bridge aborts are logged with a guest location', async () => {
    const r = await sameAsPlain('bridge-abort.ts', ['1000'], { params });
    expect(r.log).toContain('# trace aborted at ');
    expect(r.log).not.toContain('# trace aborted at ?');
  });
});

describe('chains of bridges stop at max_bridge_depth', () => {
  // With every guard failing, each bridge's guards fail too: the chain would grow
  // as long as the program runs. Beyond the limit the interpreter takes over.
  const forced = (depth: number) => sameAsPlain('guard-inlined.ts', ['100'], {
    params: { bridge_threshold: 2, max_bridge_depth: depth },
    forceGuardFailure: () => true,
  });

  test('depth 0: no bridges at all; deeper limits allow more of them', async () => {
    const none = await forced(0);
    expect(none.stats.bridges).toBe(0);
    expect(none.stats.guardFailures).toBeGreaterThan(10);
    const one = await forced(1);
    const four = await forced(4);
    expect(one.stats.bridges).toBeGreaterThanOrEqual(1);
    expect(four.stats.bridges).toBeGreaterThan(one.stats.bridges);
  });
});

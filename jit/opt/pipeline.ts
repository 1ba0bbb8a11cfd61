// The optimizer pipeline: one ordered list of passes. Every pass can be switched
// off (`--jit-opt=-name`), and tests can run any pass alone.
//
// Order, and why:
//   bridge-preamble  first, for bridges into a peeled loop: the loop's
//            preamble becomes part of the bridge, for all passes to optimize.
//   unroll   first for loops: peeling copies the loop body once, so every later pass sees
//            the preamble's facts while optimizing the loop proper.
//   unbox    carries values boxed on both back-edges as raw numbers, so that
//            fold can see through the peeled loop's header.
//   virtualize  escape analysis right after peeling: it needs the two-label shape
//            to carry objects around the loop as their fields; it leaves field
//            values and folded checks that the passes below clean up.
//   heap     load/store forwarding: turns re-reads into values, so the passes
//            below see one value where there were two loads.
//   guards   value knowledge from guards (classes, constants, non-null) removes
//            implied guards and strengthens equality guards into guard_value,
//            which gives intbounds point values.
//   intbounds  value ranges decide comparisons (e.g. bounds checks), make exact
//            integer arithmetic in floats simpler or int, and carry loop phis
//            that are int32s as ints.
//   fold     constant folding and algebraic rules; tidies expressions so that
//            more of them look alike to cse.
//   phis     after intbounds and fold, whose simplifications reveal loop phis
//            the loop passes back unchanged (`p + 1 - 1`): they become the
//            entry value, which cse can then match with the preamble's work.
//   intbounds, fold, phis, heap again: a phi carried as an int, or replaced by
//            its entry value, is an int32 with the preamble's bounds: arithmetic
//            on it narrows to ints and guards it decides go, more phis turn out
//            invariant (`p + 1 + 1 - 2`); then accesses through it are the same
//            cells (or provably others): loads forward, and items the loop
//            stores go around it in phis.
//   cse      one copy of each pure computation, elidable call and guard: with
//            the preamble in front, loop-invariant work leaves the loop.
//   dce      every pass above leaves dead ops behind.
//   close    last: the loop proper's label takes the preamble values it uses
//            as args, which no pass needs any more, and bridges can enter it.

import type { Trace } from '../ir/trace.js';
import { verifyTrace } from '../ir/verify.js';
import { contextFor, type OptEnv, type OptPass } from './pass.js';
import { bridgePreamblePass } from './bridge-preamble.js';
import { closePass } from './close.js';
import { csePass } from './cse.js';
import { dcePass } from './dce.js';
import { foldPass } from './fold.js';
import { guardsPass } from './guards.js';
import { heapPass } from './heap.js';
import { intboundsPass } from './intbounds.js';
import { unboxPass } from './unbox.js';
import { phisPass } from './phis.js';
import { unrollPass } from './unroll.js';
import { virtualizePass } from './virtualize.js';

export const PIPELINE: readonly OptPass[] = [bridgePreamblePass, unrollPass, unboxPass, virtualizePass, heapPass, guardsPass, intboundsPass, foldPass, phisPass, intboundsPass, foldPass, phisPass, heapPass, csePass, dcePass, closePass];

/** Each pass once, in the order it first runs. */
export const PASS_NAMES: readonly string[] = [...new Set(PIPELINE.map((p) => p.name))];

/** Ops removed per pass, for `--jit-stats`. */
export type OptStats = Map<string, { runs: number; removed: number }>;

export interface OptimizeOptions {
  /** Names of passes switched off. */
  readonly disabled?: ReadonlySet<string>;
  /** Run the verifier after every pass (tests). */
  readonly verify?: boolean;
  readonly stats?: OptStats;
  /** Run only these passes (tests), in pipeline order. */
  readonly only?: readonly string[];
}

export function optimizeTrace(trace: Trace, kind: 'loop' | 'bridge', options: OptimizeOptions = {}, env?: OptEnv): Trace {
  let t = trace;
  for (const pass of PIPELINE) {
    if (options.disabled?.has(pass.name)) continue;
    if (options.only && !options.only.includes(pass.name)) continue;
    const before = t.ops.length;
    t = pass.run(t, contextFor(t, kind, env));
    if (options.verify) verifyTrace(t);
    const s = options.stats;
    if (s) {
      const row = s.get(pass.name) ?? { runs: 0, removed: 0 };
      row.runs++;
      row.removed += before - t.ops.length;
      s.set(pass.name, row);
    }
  }
  return t;
}

/** Parses `--jit-opt=-a,-b` (switch passes off) into the disabled set. */
export function parseOptFlag(flag: string): Set<string> {
  const disabled = new Set<string>();
  for (const part of flag.split(',').map((x) => x.trim()).filter(Boolean)) {
    const name = part.replace(/^[-+]/, '');
    if (name === 'all') {
      if (part.startsWith('-')) PASS_NAMES.forEach((n) => disabled.add(n));
      continue;
    }
    if (!PASS_NAMES.includes(name)) throw new Error(`unknown optimizer pass '${name}'; passes: ${PASS_NAMES.join(', ') || '(none yet)'}`);
    if (part.startsWith('-')) disabled.add(name);
    else disabled.delete(name);
  }
  return disabled;
}

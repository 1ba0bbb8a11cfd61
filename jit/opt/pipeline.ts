// The optimizer pipeline: one ordered list of passes. Every pass can be switched
// off (`--jit-opt=-name`), and tests can run any pass alone.
//
// Order, and why:
//   unroll   first: peeling copies the loop body once, so every later pass sees
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
//   intbounds  value ranges decide comparisons (e.g. bounds checks).
//   fold     constant folding and algebraic rules; tidies expressions so that
//            more of them look alike to cse.
//   cse      one copy of each pure computation, elidable call and guard: with
//            the preamble in front, loop-invariant work leaves the loop.
//   dce      last: every pass above leaves dead ops behind.

import type { Trace } from '../ir/trace.js';
import { verifyTrace } from '../ir/verify.js';
import { contextFor, type OptPass } from './pass.js';
import { csePass } from './cse.js';
import { dcePass } from './dce.js';
import { foldPass } from './fold.js';
import { guardsPass } from './guards.js';
import { heapPass } from './heap.js';
import { intboundsPass } from './intbounds.js';
import { unboxPass } from './unbox.js';
import { unrollPass } from './unroll.js';
import { virtualizePass } from './virtualize.js';

export const PIPELINE: readonly OptPass[] = [unrollPass, unboxPass, virtualizePass, heapPass, guardsPass, intboundsPass, foldPass, csePass, dcePass];

export const PASS_NAMES: readonly string[] = PIPELINE.map((p) => p.name);

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

export function optimizeTrace(trace: Trace, kind: 'loop' | 'bridge', options: OptimizeOptions = {}): Trace {
  let t = trace;
  for (const pass of PIPELINE) {
    if (options.disabled?.has(pass.name)) continue;
    if (options.only && !options.only.includes(pass.name)) continue;
    const before = t.ops.length;
    t = pass.run(t, contextFor(t, kind));
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

// Before/after trace-text tests of one optimizer pass: both sides are parsed
// with the same registries (so descriptors and constants are the same objects),
// the pass runs on the first, the verifier checks both, and the printed results
// must be equal.

import { expect } from 'vitest';
import type { CallDescr } from '../../jit/ir/descr.js';
import { DescrRegistry } from '../../jit/ir/descr.js';
import { parseTrace } from '../../jit/ir/parse.js';
import { ConstRegistry, printTrace } from '../../jit/ir/print.js';
import type { Trace } from '../../jit/ir/trace.js';
import { verifyTrace } from '../../jit/ir/verify.js';
import { contextFor, type OptPass } from '../../jit/opt/pass.js';
import { CALLS, Point, POINT_CLASS, POINT_FIELDS } from './random-trace.js';

const call = (name: string, fn: (...a: never[]) => unknown, effect: CallDescr['effect'], canRaise: boolean, resultKind: CallDescr['resultKind']): CallDescr =>
  ({ kind: 'call', name, fn, effect, canRaise, resultKind });

/** Calls the optimizer tests use besides random-trace.ts's CALLS. */
export const EXTRA_CALLS: readonly CallDescr[] = [
  call('half', (x: number) => { if (x < 0) throw new RangeError('negative'); return x / 2; }, 'elidable', true, 'f'),
  call('pair', (x: number) => [x, x], 'elidable', false, 'r'),
  call('log', () => undefined, 'write', false, 'v'),
];

/** A constant Point the tests may read (ConstPtr(origin)). */
export const ORIGIN = new Point(0.5, 7, true, null);

export function registries(): { descrs: DescrRegistry; consts: ConstRegistry } {
  const descrs = new DescrRegistry();
  for (const d of [...Object.values(POINT_FIELDS), POINT_CLASS, ...Object.values(CALLS), ...EXTRA_CALLS]) descrs.add(d);
  descrs.add({ kind: 'exit', name: 'done', greens: [] });
  const consts = new ConstRegistry();
  consts.add('Point', Point);
  consts.add('origin', ORIGIN);
  return { descrs, consts };
}

export function parse(text: string, descrs: DescrRegistry, consts: ConstRegistry): Trace {
  return parseTrace(text, descrs, consts);
}

/** Runs `pass` on `before` and compares the printed result with `after`. */
export function expectOptimized(pass: OptPass, before: string, after: string): void {
  const { descrs, consts } = registries();
  const t = parse(before, descrs, consts);
  verifyTrace(t);
  const out = pass.run(t, contextFor(t, 'loop'));
  verifyTrace(out);
  expect(printTrace(out, consts)).toBe(printTrace(parse(after, descrs, consts), consts));
}

/** A loop over [i0, i1, f2, f3, r4, r5, i6] (i6 a boolean, r4/r5 Points) with `body` after its label. */
export const loop = (body: string): string =>
  `[i0, i1, f2, f3, r4, r5, i6]\nlabel(i0, i1, f2, f3, r4, r5, i6, descr=target:L)\n${body.trim()}\n`;

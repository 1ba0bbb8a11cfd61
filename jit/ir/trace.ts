// The in-memory trace: a linear SSA list of ops over boxes and constants.
//
//   Trace   = inputs: Box[], ops: Op[]
//   Op      = opcode, args: Value[], result: Box | null, descr, failArgs (guards only)
//   Value   = Box (an SSA value defined once, by an input or an op) | Const
//
// Boxes are identified by `id`, unique within one trace; the text format writes a
// box as its kind letter and id (`i3`, `f7`, `r2`). A guard's failArgs are the
// values its resume data refers to; its GuardDescr holds the resume snapshot.

import type { Descr } from './descr.js';
import type { Kind, Opcode } from './ops.js';

export interface Box {
  readonly tag: 'box';
  readonly kind: Exclude<Kind, 'v'>;
  readonly id: number;
}

export interface Const {
  readonly tag: 'const';
  readonly kind: Exclude<Kind, 'v'>;
  readonly value: unknown;
}

export type Value = Box | Const;

export interface Op {
  readonly opcode: Opcode;
  readonly args: Value[];
  readonly result: Box | null;
  readonly descr: Descr | null;
  /** Guards only: the values the guard's resume data reads. */
  failArgs: Value[] | null;
}

export interface Trace {
  /** For logs: what this trace is (`loop 3 at <loc>`, `bridge from guard 17`). */
  readonly name: string;
  readonly inputs: Box[];
  readonly ops: Op[];
}

export const isBox = (v: Value): v is Box => v.tag === 'box';
export const isConst = (v: Value): v is Const => v.tag === 'const';

export function constOf(kind: Exclude<Kind, 'v'>, value: unknown): Const {
  return { tag: 'const', kind, value };
}

/** Hands out box ids for one trace. */
export class BoxFactory {
  private next = 0;
  constructor(start = 0) {
    this.next = start;
  }
  box(kind: Exclude<Kind, 'v'>): Box {
    return { tag: 'box', kind, id: this.next++ };
  }
  get count(): number {
    return this.next;
  }
}

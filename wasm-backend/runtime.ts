// The state compiled wasm code shares with its JS side, one per WasmBackend:
// a linear memory with the exit/entry slots, the reference slots, and the
// pending exception of the last host call.
//
// The memory is the process's typed heap (framework/typed-heap.ts): its first
// SLOT_BYTES are laid out as below, the interpreter's typed arrays follow.
// Every runtime of the process uses the same words and slots: they only
// carry values from a write to the read right after it (an exit to its JS
// side, JS to an entry), with no other compiled code running in between.
//
// Linear memory layout (bytes):
//
//   0        4        8    12      16                 16+16k       16+16k+8
//   +--------+--------+-------------+------ ... -------+------------+--------+
//   | TAG    | EXC    | VB | VL     |  slot 0, 1, ...  | value k    | tag k  |
//   +--------+--------+-------------+------ ... -------+------------+--------+
//
//   TAG    written by host helpers that return an `i` value of unknown type:
//          1 if the JS value was a boolean (returned as 0/1), 0 if a number.
//   EXC    1 after a host call that can raise raised (its exception is in
//          `exc`), 0 after one that returned; guard_no_exception reads it.
//   VB, VL byte offset and length of a typed-heap array, written by the
//          `view` helper (see lower-ops.ts, "Typed-heap arrays").
//   slot k the k-th value crossing the wasm/JS boundary: the k-th failArg of a
//          guard exit, the k-th arg of a finish or of a jump that leaves the
//          function, the k-th input of an entry. `value` holds an i32 or an
//          f64; `tag` the boolean flag of an i32 (see lower.ts, "Values").
//          References cannot live in linear memory: slot k of an `r` value is
//          `refs[k]`, written and read through the imports exit_r / entry_r.
//
// A jump that leaves one function and enters another writes the slots in the
// order the target label reads them, so the JS dispatcher passes them along
// untouched. Only the JS side of an exit that returns to the runtime turns
// slots back into JS values (`read`).

import { HEAP_PAGES, SLOT_BYTES, typedHeap, viewOf } from '../framework/typed-heap.js';

export const TAG_ADDR = 0;
export const EXC_ADDR = 4;
export const VIEW_BASE_ADDR = 8;
export const VIEW_LEN_ADDR = 12;
export const VIEW_KIND_ADDR = 16;
const SLOT_BASE = 24;
const SLOT_SIZE = 16;
/** Memory size (pages): the typed heap never grows; modules declare it as their minimum and maximum. */
export const MAX_PAGES = HEAP_PAGES;

export const slotValue = (k: number): number => SLOT_BASE + SLOT_SIZE * k;
export const slotTag = (k: number): number => SLOT_BASE + SLOT_SIZE * k + 8;

/** Value kinds of a row of slots, one letter per slot ('i' | 'f' | 'r'). */
export type SlotKinds = string;

export class WasmRuntime {
  readonly memory = typedHeap().memory;
  readonly i32 = new Int32Array(this.memory.buffer);
  readonly f64 = new Float64Array(this.memory.buffer);
  readonly refs: unknown[] = [];
  /** The exception of the last host call that raised (valid while i32[EXC_ADDR/4] is 1). */
  exc: unknown = undefined;

  readonly exitRef = (k: number, v: unknown): void => {
    this.refs[k] = v;
  };

  readonly entryRef = (k: number): unknown => this.refs[k];

  /** Writes the typed-heap view of `a` (kind 0: none) to the view words, for compiled code to load. */
  readonly writeView = (a: unknown): number => {
    const v = viewOf(a);
    this.i32[VIEW_BASE_ADDR >> 2] = v.base;
    this.i32[VIEW_LEN_ADDR >> 2] = v.length;
    this.i32[VIEW_KIND_ADDR >> 2] = v.kind;
    return v.kind;
  };

  /** Checks that `n` slots fit. */
  ensureSlots(n: number): void {
    if (slotValue(n) > SLOT_BYTES) throw new Error(`wasm backend: ${n} values cross the boundary at one exit; at most ${Math.floor((SLOT_BYTES - SLOT_BASE) / SLOT_SIZE)} fit`);
  }

  /** Writes JS values into slots 0.., as an entry reads them. */
  write(kinds: SlotKinds, values: readonly unknown[]): void {
    const i32 = this.i32;
    for (let k = 0; k < kinds.length; k++) {
      const v = values[k];
      switch (kinds.charCodeAt(k)) {
        case 105: // i
          if (typeof v === 'boolean') {
            i32[slotValue(k) >> 2] = v ? 1 : 0;
            i32[slotTag(k) >> 2] = 1;
          } else {
            i32[slotValue(k) >> 2] = v as number;
            i32[slotTag(k) >> 2] = 0;
          }
          break;
        case 102: // f
          this.f64[slotValue(k) >> 3] = v as number;
          break;
        default:
          this.refs[k] = v;
      }
    }
  }

  /** Reads slots 0.. back as JS values (booleans where the tag says so). */
  read(kinds: SlotKinds): unknown[] {
    const out = new Array<unknown>(kinds.length);
    const i32 = this.i32;
    for (let k = 0; k < kinds.length; k++) {
      switch (kinds.charCodeAt(k)) {
        case 105: {
          const v = i32[slotValue(k) >> 2];
          out[k] = i32[slotTag(k) >> 2] !== 0 ? v !== 0 : v;
          break;
        }
        case 102:
          out[k] = this.f64[slotValue(k) >> 3];
          break;
        default:
          out[k] = this.refs[k];
      }
    }
    return out;
  }

  /** Forgets the references in the slots (once compiled code has returned to the runtime). */
  dropRefs(): void {
    this.refs.length = 0;
  }

  /** The pending exception of a guard_no_exception exit, and clears it. */
  takeException(): { value: unknown } | null {
    const raised = this.i32[EXC_ADDR >> 2] !== 0;
    const exc = this.exc;
    this.i32[EXC_ADDR >> 2] = 0;
    this.exc = undefined;
    return raised ? { value: exc } : null;
  }

  clearException(): void {
    this.i32[EXC_ADDR >> 2] = 0;
    this.exc = undefined;
  }
}

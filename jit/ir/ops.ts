// The trace-op table: the single source of truth for every operation that can
// appear in a trace. Types (`Opcode`), the printer, the parser, the verifier,
// the reference backend and every backend's lowering table derive from it.
//
// Value kinds (host mode: guest objects are JS objects):
//   i  int32 or boolean. Comparisons produce JS booleans; int arithmetic works on
//      int32 numbers (the results of ToInt32). Booleans are never added.
//   f  a JS number (float64). Every TS `number` is an `f`.
//   r  any other JS value: objects, arrays, strings, null, and values of union type.
//   v  no value.
//
// Argument signature (`args`): one letter per argument, `.` for "any kind", and a
// trailing `*` means "any number of further arguments of the previous letter".
//
// Every op's meaning is `run`: a plain JS function over its arguments and its
// descriptor. The tracer (constant folding), the blackhole interpreter and the
// reference backend all call it, so they cannot disagree. Ops whose meaning needs
// control flow (guards, jump, label, finish, calls) are run by their executor.

import type { Descr } from './descr.js';

export type Kind = 'i' | 'f' | 'r' | 'v';

export interface OpInfo {
  readonly args: string;          // argument kinds, see above
  readonly result: Kind;
  readonly pure?: boolean;        // no side effects, result depends only on args (and descr)
  readonly guard?: boolean;       // may exit the trace; carries resume data
  readonly alloc?: boolean;       // allocates a new object; name starts with `new`
  readonly heapRead?: boolean;    // reads mutable heap state
  readonly heapWrite?: boolean;   // writes heap state
  readonly call?: boolean;        // calls a host function (descr is a CallDescr)
  readonly canRaise?: boolean;    // may throw a host exception
  readonly control?: boolean;     // label/jump/finish: trace structure, not computation
  readonly descr?: DescrKind;     // kind of descriptor the op requires
  readonly descrOptional?: boolean; // the descriptor may be absent (item ops: only typed arrays have one)
  readonly commutative?: boolean;
  readonly run?: (args: unknown[], descr: Descr | null) => unknown;
  readonly doc: string;
}

export type DescrKind = 'field' | 'array' | 'class' | 'call' | 'loc' | 'target' | 'guard' | 'exit';

/* eslint-disable @typescript-eslint/no-explicit-any */
type N = number;
const i32 = (x: N) => x | 0;
const num = (a: unknown[]) => a as N[];

export const OPS = {
  // ---- int32 arithmetic (from ToInt32 conversions of bitwise JS code) ----
  int_add: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => i32(num(a)[0] + num(a)[1]), doc: 'int32 addition, wrapping' },
  int_sub: { args: 'ii', result: 'i', pure: true, run: (a) => i32(num(a)[0] - num(a)[1]), doc: 'int32 subtraction, wrapping' },
  int_mul: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => Math.imul(num(a)[0], num(a)[1]), doc: 'int32 multiplication, wrapping' },
  int_and: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => num(a)[0] & num(a)[1], doc: 'bitwise and' },
  int_or: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => num(a)[0] | num(a)[1], doc: 'bitwise or' },
  int_xor: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => num(a)[0] ^ num(a)[1], doc: 'bitwise xor' },
  int_shl: { args: 'ii', result: 'i', pure: true, run: (a) => num(a)[0] << num(a)[1], doc: 'shift left (count mod 32)' },
  int_shr: { args: 'ii', result: 'i', pure: true, run: (a) => num(a)[0] >> num(a)[1], doc: 'arithmetic shift right (count mod 32)' },
  int_ushr: { args: 'ii', result: 'i', pure: true, run: (a) => (num(a)[0] >>> num(a)[1]) | 0, doc: 'logical shift right; result bits as int32' },
  int_not: { args: 'i', result: 'i', pure: true, run: (a) => ~num(a)[0], doc: 'bitwise not' },
  int_neg: { args: 'i', result: 'i', pure: true, run: (a) => i32(-num(a)[0]), doc: 'int32 negation, wrapping' },
  int_lt: { args: 'ii', result: 'i', pure: true, run: (a) => num(a)[0] < num(a)[1], doc: 'int32 <' },
  int_le: { args: 'ii', result: 'i', pure: true, run: (a) => num(a)[0] <= num(a)[1], doc: 'int32 <=' },
  int_gt: { args: 'ii', result: 'i', pure: true, run: (a) => num(a)[0] > num(a)[1], doc: 'int32 >' },
  int_ge: { args: 'ii', result: 'i', pure: true, run: (a) => num(a)[0] >= num(a)[1], doc: 'int32 >=' },
  int_eq: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => a[0] === a[1], doc: 'int32 or boolean equality' },
  int_ne: { args: 'ii', result: 'i', pure: true, commutative: true, run: (a) => a[0] !== a[1], doc: 'int32 or boolean inequality' },
  bool_not: { args: 'i', result: 'i', pure: true, run: (a) => !a[0], doc: 'logical not of a boolean' },

  // ---- float64 arithmetic: exactly JS number semantics ----
  float_add: { args: 'ff', result: 'f', pure: true, commutative: true, run: (a) => num(a)[0] + num(a)[1], doc: 'JS number +' },
  float_sub: { args: 'ff', result: 'f', pure: true, run: (a) => num(a)[0] - num(a)[1], doc: 'JS number -' },
  float_mul: { args: 'ff', result: 'f', pure: true, commutative: true, run: (a) => num(a)[0] * num(a)[1], doc: 'JS number *' },
  float_div: { args: 'ff', result: 'f', pure: true, run: (a) => num(a)[0] / num(a)[1], doc: 'JS number /' },
  float_mod: { args: 'ff', result: 'f', pure: true, run: (a) => num(a)[0] % num(a)[1], doc: 'JS number % (fmod: sign of the dividend)' },
  float_pow: { args: 'ff', result: 'f', pure: true, run: (a) => num(a)[0] ** num(a)[1], doc: 'JS number ** / Math.pow' },
  float_neg: { args: 'f', result: 'f', pure: true, run: (a) => -num(a)[0], doc: 'JS unary -' },
  float_abs: { args: 'f', result: 'f', pure: true, run: (a) => Math.abs(num(a)[0]), doc: 'Math.abs' },
  float_floor: { args: 'f', result: 'f', pure: true, run: (a) => Math.floor(num(a)[0]), doc: 'Math.floor' },
  float_ceil: { args: 'f', result: 'f', pure: true, run: (a) => Math.ceil(num(a)[0]), doc: 'Math.ceil' },
  float_trunc: { args: 'f', result: 'f', pure: true, run: (a) => Math.trunc(num(a)[0]), doc: 'Math.trunc' },
  float_sqrt: { args: 'f', result: 'f', pure: true, run: (a) => Math.sqrt(num(a)[0]), doc: 'Math.sqrt' },
  float_min: { args: 'ff', result: 'f', pure: true, commutative: true, run: (a) => Math.min(num(a)[0], num(a)[1]), doc: 'Math.min of two' },
  float_max: { args: 'ff', result: 'f', pure: true, commutative: true, run: (a) => Math.max(num(a)[0], num(a)[1]), doc: 'Math.max of two' },
  float_lt: { args: 'ff', result: 'i', pure: true, run: (a) => num(a)[0] < num(a)[1], doc: 'JS number <' },
  float_le: { args: 'ff', result: 'i', pure: true, run: (a) => num(a)[0] <= num(a)[1], doc: 'JS number <=' },
  float_gt: { args: 'ff', result: 'i', pure: true, run: (a) => num(a)[0] > num(a)[1], doc: 'JS number >' },
  float_ge: { args: 'ff', result: 'i', pure: true, run: (a) => num(a)[0] >= num(a)[1], doc: 'JS number >=' },
  float_eq: { args: 'ff', result: 'i', pure: true, commutative: true, run: (a) => a[0] === a[1], doc: 'JS number ===' },
  float_ne: { args: 'ff', result: 'i', pure: true, commutative: true, run: (a) => a[0] !== a[1], doc: 'JS number !==' },
  float_is_true: { args: 'f', result: 'i', pure: true, run: (a) => !!a[0], doc: 'JS truthiness of a number (not 0, not NaN)' },
  float_is_integer: { args: 'f', result: 'i', pure: true, run: (a) => Number.isInteger(num(a)[0]), doc: 'Number.isInteger of a number (finite and integral)' },
  float_is_int32: { args: 'f', result: 'i', pure: true, run: (a) => Object.is(num(a)[0], num(a)[0] | 0), doc: 'the number is an int32 (so int_to_float(float_to_int32(x)) is x; not -0)' },

  // ---- conversions between kinds ----
  float_to_int32: { args: 'f', result: 'i', pure: true, run: (a) => num(a)[0] | 0, doc: 'ECMAScript ToInt32' },
  int_to_float: { args: 'i', result: 'f', pure: true, run: (a) => num(a)[0], doc: 'int32 to number' },
  uint_to_float: { args: 'i', result: 'f', pure: true, run: (a) => num(a)[0] >>> 0, doc: 'int32 bits read as uint32, to number' },
  box_float: { args: 'f', result: 'r', pure: true, run: (a) => a[0], doc: 'a number seen as a value of union type (identity in JS)' },
  unbox_float: { args: 'r', result: 'f', pure: true, run: (a) => a[0], doc: 'a union-typed value known to be a number (identity in JS)' },
  box_int: { args: 'i', result: 'r', pure: true, run: (a) => a[0], doc: 'a boolean seen as a value of union type (identity in JS)' },
  unbox_int: { args: 'r', result: 'i', pure: true, run: (a) => a[0], doc: 'a union-typed value known to be a boolean (identity in JS)' },

  // ---- references and strings ----
  ptr_eq: { args: 'rr', result: 'i', pure: true, commutative: true, run: (a) => a[0] === a[1], doc: 'JS === on references, strings by value' },
  ptr_ne: { args: 'rr', result: 'i', pure: true, commutative: true, run: (a) => a[0] !== a[1], doc: 'JS !== on references' },
  ref_is_true: { args: 'r', result: 'i', pure: true, run: (a) => !!a[0], doc: 'JS truthiness of a reference' },
  ref_typeof: { args: 'r', result: 'r', pure: true, run: (a) => typeof a[0], doc: 'JS typeof, as a string' },
  instanceof: { args: 'r', result: 'i', pure: true, descr: 'class', run: (a, d) => a[0] instanceof (d as unknown as { cls: Function }).cls, doc: 'x instanceof C (classes never change)' },
  str_len: { args: 'r', result: 'f', pure: true, run: (a) => (a[0] as string).length, doc: 'string length' },
  str_charcode: { args: 'rf', result: 'f', pure: true, run: (a) => (a[0] as string).charCodeAt(a[1] as N), doc: 'String.prototype.charCodeAt' },
  str_lt: { args: 'rr', result: 'i', pure: true, run: (a) => (a[0] as string) < (a[1] as string), doc: 'string < (by UTF-16 code units)' },
  str_le: { args: 'rr', result: 'i', pure: true, run: (a) => (a[0] as string) <= (a[1] as string), doc: 'string <=' },
  str_concat: { args: 'rr', result: 'r', pure: true, run: (a) => (a[0] as string) + (a[1] as string), doc: 'string concatenation' },
  str_from_float: { args: 'f', result: 'r', pure: true, run: (a) => String(a[0]), doc: 'String(number)' },

  // ---- heap: fields of class instances and items of arrays ----
  getfield_i: { args: 'r', result: 'i', heapRead: true, descr: 'field', run: (a, d) => (a[0] as any)[(d as any).name], doc: 'read an int/boolean field' },
  getfield_f: { args: 'r', result: 'f', heapRead: true, descr: 'field', run: (a, d) => (a[0] as any)[(d as any).name], doc: 'read a number field' },
  getfield_r: { args: 'r', result: 'r', heapRead: true, descr: 'field', run: (a, d) => (a[0] as any)[(d as any).name], doc: 'read a reference field' },
  setfield: { args: 'r.', result: 'v', heapWrite: true, descr: 'field', run: (a, d) => { (a[0] as any)[(d as any).name] = a[1]; }, doc: 'write a field' },
  getarrayitem_i: { args: 'rf', result: 'i', heapRead: true, descr: 'array', descrOptional: true, run: (a, d) => (d === null ? (a[0] as any)[a[1] as N] : (a[0] as any)[a[1] as N] | 0), doc: 'read an array item (int/boolean); with a typed-array descr, an integer item as int32 (u32: its bits), 0 out of bounds' },
  getarrayitem_f: { args: 'rf', result: 'f', heapRead: true, descr: 'array', descrOptional: true, run: (a) => (a[0] as any)[a[1] as N], doc: 'read an array item (number)' },
  getarrayitem_r: { args: 'rf', result: 'r', heapRead: true, run: (a) => (a[0] as any)[a[1] as N], doc: 'read an array item (reference)' },
  setarrayitem: { args: 'rf.', result: 'v', heapWrite: true, descr: 'array', descrOptional: true, run: (a) => { (a[0] as any)[a[1] as N] = a[2]; }, doc: 'write an array item (a typed array converts it: ToUint8 & co.)' },
  typed_index_ok: { args: 'rf', result: 'i', pure: true, descr: 'array', run: (a) => Number.isInteger(a[1]) && (a[1] as N) >= 0 && (a[1] as N) < (a[0] as Uint8Array).length, doc: 'the index names an item of the typed array: an integer in [0, length) (a typed array\'s length never changes)' },
  arraylen: { args: 'r', result: 'f', heapRead: true, run: (a) => (a[0] as unknown[]).length, doc: 'array length' },
  new: { args: '.*', result: 'r', alloc: true, descr: 'class', run: (a, d) => (d as any).construct(a), doc: 'new C(args) for a class whose constructor only stores fields' },
  new_array: { args: '.*', result: 'r', alloc: true, run: (a) => a.slice(), doc: 'an array literal [a, b, ...]' },

  // ---- calls to host functions (descr: CallDescr with the function and its effects) ----
  call_i: { args: '.*', result: 'i', call: true, canRaise: true, descr: 'call', doc: 'call returning int/boolean' },
  call_f: { args: '.*', result: 'f', call: true, canRaise: true, descr: 'call', doc: 'call returning number' },
  call_r: { args: '.*', result: 'r', call: true, canRaise: true, descr: 'call', doc: 'call returning reference' },
  call_n: { args: '.*', result: 'v', call: true, canRaise: true, descr: 'call', doc: 'call returning nothing' },

  // ---- guards: exit the trace when the condition does not hold ----
  guard_true: { args: 'i', result: 'v', guard: true, descr: 'guard', doc: 'exit unless the value is true' },
  guard_false: { args: 'i', result: 'v', guard: true, descr: 'guard', doc: 'exit unless the value is false' },
  guard_value: { args: '..', result: 'v', guard: true, descr: 'guard', doc: 'exit unless Object.is(arg0, the constant arg1) (promote)' },
  guard_class: { args: 'rr', result: 'v', guard: true, descr: 'guard', doc: 'exit unless arg0 is non-null and its class is the constant arg1' },
  guard_nonnull: { args: 'r', result: 'v', guard: true, descr: 'guard', doc: 'exit if the reference is null' },
  guard_isnull: { args: 'r', result: 'v', guard: true, descr: 'guard', doc: 'exit unless the reference is null' },
  guard_no_exception: { args: '', result: 'v', guard: true, descr: 'guard', doc: 'exit if the preceding call raised' },
  guard_not_invalidated: { args: '', result: 'v', guard: true, descr: 'guard', doc: 'exit if a quasi-immutable field this trace relies on changed' },

  // ---- trace structure ----
  label: { args: '.*', result: 'v', control: true, descr: 'target', doc: 'loop header; its args are the loop-carried values' },
  jump: { args: '.*', result: 'v', control: true, descr: 'target', doc: 'go to a label with new values for its args' },
  finish: { args: '.*', result: 'v', control: true, descr: 'exit', doc: 'leave the trace to the interpreter at a merge point (descr says where)' },
  debug_merge_point: { args: '', result: 'v', descr: 'loc', doc: 'marks a guest-bytecode boundary (no code)' },
} as const satisfies Record<string, OpInfo>;

export type Opcode = keyof typeof OPS;

export const opInfo = (op: Opcode): OpInfo => OPS[op];

export const ALL_OPCODES = Object.keys(OPS) as Opcode[];

/** The argument kinds an op expects for `n` arguments ('.' = any). */
export function argKinds(op: Opcode, n: number): string {
  const sig = OPS[op].args;
  if (!sig.endsWith('*')) return sig;
  const fixed = sig.slice(0, -2);
  const rep = sig[sig.length - 2];
  return fixed + rep.repeat(Math.max(0, n - fixed.length));
}

/** Ops of a given result kind for a family, e.g. kindedOp('getfield', 'f'). */
export function kindedOp(family: 'getfield' | 'getarrayitem' | 'call', kind: Kind): Opcode {
  const suffix = kind === 'v' ? 'n' : kind;
  if (family === 'call') return `call_${suffix}` as Opcode;
  if (kind === 'v') throw new Error(`${family} has no void form`);
  return `${family}_${kind}` as Opcode;
}

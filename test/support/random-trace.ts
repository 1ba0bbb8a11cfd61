// Random *valid* loop traces for property tests (fast-check), shared by the IR,
// backend and optimizer tests.
//
// A generated trace is a loop over typed inputs; input 0 is a counter, and the
// loop ends with
//   iN = int_sub(i0, 1); iM = int_gt(iN, 0); guard_true(iM) [...]; jump(iN, ...)
// so running it with a small non-negative counter always terminates. In between
// are pure int/bool/float ops, getfield/setfield/new on the test class Point,
// guards with random failArgs, host calls (one of which can raise, followed by
// guard_no_exception) and debug_merge_points.
//
// Generation keeps "types" finer than IR kinds so that every run is defined and
// backends cannot legitimately disagree: `int` (int32) and `bool` (JS boolean)
// share kind i but never mix; every `point` box holds a Point whose `link` is a
// Point. The constant Point `origin` (ConstPtr(origin)) is only ever read, so a
// trace can be run several times from fresh inputs (`makeInputs`) with the same
// result.

import fc from 'fast-check';
import { DescrRegistry } from '../../jit/ir/descr.js';
import type { CallDescr, ClassDescr, FieldDescr, GuardDescr, TargetDescr } from '../../jit/ir/descr.js';
import type { Opcode } from '../../jit/ir/ops.js';
import { ConstRegistry } from '../../jit/ir/print.js';
import { BoxFactory, constOf } from '../../jit/ir/trace.js';
import type { Box, Const, Op, Trace, Value } from '../../jit/ir/trace.js';
import type { Descr } from '../../jit/ir/descr.js';

export class Point {
  constructor(public x: number, public n: number, public b: boolean, public link: Point | null) {}
}

export type GenType = 'int' | 'bool' | 'float' | 'point';
const KIND = { int: 'i', bool: 'i', float: 'f', point: 'r' } as const;

const field = (name: string, valueKind: 'i' | 'f' | 'r'): FieldDescr =>
  ({ kind: 'field', owner: 'Point', name, valueKind, immutable: false, quasiImmutable: false });

export const POINT_FIELDS = { x: field('x', 'f'), n: field('n', 'i'), b: field('b', 'i'), link: field('link', 'r') } as const;
const FIELD_TYPES: readonly (readonly [FieldDescr, GenType])[] = [
  [POINT_FIELDS.x, 'float'], [POINT_FIELDS.n, 'int'], [POINT_FIELDS.b, 'bool'], [POINT_FIELDS.link, 'point'],
];

export const POINT_CLASS: ClassDescr = {
  kind: 'class',
  name: 'Point',
  cls: Point,
  ctorFields: [POINT_FIELDS.x, POINT_FIELDS.n, POINT_FIELDS.b, POINT_FIELDS.link],
  construct: (a) => new Point(a[0] as number, a[1] as number, a[2] as boolean, a[3] as Point),
};

const call = (name: string, fn: (...args: never[]) => unknown, effect: CallDescr['effect'], canRaise: boolean, resultKind: CallDescr['resultKind']): CallDescr =>
  ({ kind: 'call', name, fn, effect, canRaise, resultKind });

export const CALLS = {
  fmix: call('fmix', (a: number, b: number) => a * 0.5 + b, 'elidable', false, 'f'),
  getN: call('getN', (p: Point) => p.n, 'readonly', false, 'i'),
  bump: call('bump', (p: Point, k: number) => { p.n = (p.n + k) | 0; }, 'write', false, 'v'),
  checked: call('checked', (x: number) => {
    if (x % 3 === 0) throw new RangeError(`checked: ${x} is a multiple of 3`);
    return (x * 2) | 0;
  }, 'readonly', true, 'i'),
} as const;

/** A generated trace and the registries that resolve its descriptors and constants. */
export interface RandomTrace {
  readonly trace: Trace;
  readonly descrs: DescrRegistry;
  readonly consts: ConstRegistry;
  /** The generation type of each input; inputTypes[0] is the 'int' loop counter. */
  readonly inputTypes: readonly GenType[];
}

export interface RandomTraceOptions {
  /** Upper bound on random steps (each makes 0-2 ops). Default 30. */
  readonly maxSteps?: number;
}

/** The random choices one step is made of; the builder reads them modulo its options. */
interface Choice {
  readonly pick: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly mask: number;
  readonly int: number;
  readonly float: number;
}

const INT32 = fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const TYPE = fc.constantFrom<GenType>('int', 'bool', 'float', 'point');
const CHOICE: fc.Arbitrary<Choice> = fc.record({ pick: fc.nat(), a: fc.nat(), b: fc.nat(), c: fc.nat(), mask: fc.nat(), int: INT32, float: fc.double() });

/** Arbitrary valid loop traces (see the file header). */
export function randomTrace(options: RandomTraceOptions = {}): fc.Arbitrary<RandomTrace> {
  return fc
    .record({ inputs: fc.array(TYPE, { maxLength: 5 }), steps: fc.array(CHOICE, { maxLength: options.maxSteps ?? 30 }) })
    .map(({ inputs, steps }) => new Builder(['int', ...inputs]).build(steps));
}

/** Arbitrary input makers for traces with these input types: each call makes fresh Points. */
export function randomInputs(types: readonly GenType[]): fc.Arbitrary<() => unknown[]> {
  const one = (t: GenType, k: number): fc.Arbitrary<unknown> => {
    if (k === 0) return fc.integer({ min: 0, max: 6 });
    switch (t) {
      case 'int': return INT32;
      case 'bool': return fc.boolean();
      case 'float': return fc.double();
      case 'point': return fc.record({ x: fc.double(), n: INT32, b: fc.boolean() });
    }
  };
  return fc.tuple(...types.map(one)).map((seeds) => () => {
    const values = seeds.map((s, k) => (types[k] === 'point' ? pointOf(s as { x: number; n: number; b: boolean }) : s));
    const points = values.filter((v): v is Point => v instanceof Point);
    points.forEach((p, k) => { p.link = points[(k + 1) % points.length]; });
    return values;
  });
}

const pointOf = (s: { x: number; n: number; b: boolean }): Point => new Point(s.x, s.n, s.b, null);

/** A random trace with a way to make its inputs. */
export function randomRun(options: RandomTraceOptions = {}): fc.Arbitrary<{ rt: RandomTrace; makeInputs: () => unknown[] }> {
  return randomTrace(options).chain((rt) => randomInputs(rt.inputTypes).map((makeInputs) => ({ rt, makeInputs })));
}

const INT_BIN: Opcode[] = ['int_add', 'int_sub', 'int_mul', 'int_and', 'int_or', 'int_xor', 'int_shl', 'int_shr', 'int_ushr'];
const INT_UN: Opcode[] = ['int_not', 'int_neg'];
const INT_CMP: Opcode[] = ['int_lt', 'int_le', 'int_gt', 'int_ge', 'int_eq', 'int_ne'];
const FLOAT_BIN: Opcode[] = ['float_add', 'float_sub', 'float_mul', 'float_div', 'float_mod', 'float_pow', 'float_min', 'float_max'];
const FLOAT_UN: Opcode[] = ['float_neg', 'float_abs', 'float_floor', 'float_ceil', 'float_trunc', 'float_sqrt'];
const FLOAT_CMP: Opcode[] = ['float_lt', 'float_le', 'float_gt', 'float_ge', 'float_eq', 'float_ne'];
const REF_CONSTS: readonly unknown[] = [null, undefined, '', 'a', 'with "quotes", (parens) and [brackets]\n', 1.5, true];

const at = <T>(xs: readonly T[], n: number): T => xs[n % xs.length];

/** Builds one trace from a list of choices; holds all state of one generation. */
class Builder {
  private readonly boxes = new BoxFactory();
  private readonly ops: Op[] = [];
  private readonly scope: { readonly box: Box; readonly type: GenType }[] = [];
  private readonly descrs = new DescrRegistry();
  private readonly consts = new ConstRegistry();
  private readonly origin = new Point(0.5, 7, true, null);
  private nextGuard = 1;

  constructor(private readonly inputTypes: readonly GenType[]) {
    this.origin.link = this.origin;
    this.consts.add('Point', Point);
    this.consts.add('origin', this.origin);
    for (const d of [...Object.values(POINT_FIELDS), POINT_CLASS, ...Object.values(CALLS)]) this.descrs.add(d);
  }

  build(choices: readonly Choice[]): RandomTrace {
    const inputs = this.inputTypes.map((t) => this.define(t));
    const target: TargetDescr = { kind: 'target', name: 'L0' };
    this.descrs.add(target);
    this.emit('label', [...inputs], null, target);
    for (const s of choices) this.step(s);
    const carried = this.inputTypes.map((t) => this.latest(t));
    const counter = this.emit('int_sub', [inputs[0], constOf('i', 1)], 'int')!;
    const more = this.emit('int_gt', [counter, constOf('i', 0)], 'bool')!;
    const last = choices[choices.length - 1];
    this.guard('guard_true', [more], last?.mask ?? 0);
    const loopArgs = carried.map((b, k) => (k === 0 ? counter : b));
    this.emit('jump', loopArgs, null, target);
    const trace: Trace = { name: 'random loop', inputs, ops: this.ops };
    return { trace, descrs: this.descrs, consts: this.consts, inputTypes: this.inputTypes };
  }

  private define(type: GenType): Box {
    const box = this.boxes.box(KIND[type]);
    this.scope.push({ box, type });
    return box;
  }

  private emit(opcode: Opcode, args: Value[], type: GenType | null, descr: Descr | null = null, failArgs: Value[] | null = null): Box | null {
    const result = type === null ? null : this.define(type);
    this.ops.push({ opcode, args, result, descr, failArgs });
    return result;
  }

  private latest(type: GenType): Box {
    for (let k = this.scope.length - 1; k >= 0; k--) if (this.scope[k].type === type) return this.scope[k].box;
    throw new Error('unreachable: every input type has a box');
  }

  /** The n-th box of a type (mod their count), or null if there is none. */
  private box(type: GenType, n: number): Box | null {
    const of = this.scope.filter((e) => e.type === type);
    return of.length === 0 ? null : at(of, n).box;
  }

  /** A box of the type, or a constant one time in four (or when there is no box). */
  private value(type: Exclude<GenType, 'point'>, n: number, s: Choice): Value {
    const b = this.box(type, n >> 2);
    if (b !== null && n % 4 !== 0) return b;
    switch (type) {
      case 'int': return constOf('i', s.int);
      case 'bool': return constOf('i', (s.int & 1) === 1);
      case 'float': return constOf('f', s.float);
    }
  }

  /** A point to read from: a box, or the read-only constant `origin` one time in four. */
  private readable(n: number): Value {
    const b = this.box('point', n >> 2);
    return b !== null && n % 4 !== 0 ? b : constOf('r', this.origin);
  }

  /** A random subset of the values in scope (from the mask bits), sometimes with a constant. */
  private failArgs(mask: number): Value[] {
    const out: Value[] = [];
    const n = this.scope.length;
    for (let k = 0; k < Math.min(n, 30); k++) if (mask & (1 << k)) out.push(this.scope[n - 1 - k].box);
    if (mask % 7 === 3) out.push(constOf('f', -0));
    return out;
  }

  private guard(opcode: Opcode, args: Value[], mask: number): void {
    // A frameless snapshot: the resume state is the failArgs themselves, by position
    // (what optimizer property tests compare; see test/support/opt-equivalence.ts).
    const failArgs = this.failArgs(mask);
    const descr: GuardDescr = { kind: 'guard', id: this.nextGuard++, resume: { frames: [], failArgs, vable: null, virtuals: [] }, failures: 0, bridge: null };
    this.descrs.add(descr);
    this.emit(opcode, args, null, descr, failArgs);
  }

  private step(s: Choice): void {
    switch (s.pick % 17) {
      case 0: this.emit(at(INT_BIN, s.a), [this.value('int', s.b, s), this.value('int', s.c, s)], 'int'); break;
      case 1: this.emit(at(INT_UN, s.a), [this.value('int', s.b, s)], 'int'); break;
      case 2: this.emit(at(INT_CMP, s.a), [this.value('int', s.b, s), this.value('int', s.c, s)], 'bool'); break;
      case 3: {
        const x = this.value('bool', s.b, s), y = this.value('bool', s.c, s);
        this.emit(at(['bool_not', 'int_eq', 'int_ne'] as Opcode[], s.a), s.a % 3 === 0 ? [x] : [x, y], 'bool');
        break;
      }
      case 4: this.emit(at(FLOAT_BIN, s.a), [this.value('float', s.b, s), this.value('float', s.c, s)], 'float'); break;
      case 5: this.emit(at(FLOAT_UN, s.a), [this.value('float', s.b, s)], 'float'); break;
      case 6: {
        const x = this.value('float', s.b, s), y = this.value('float', s.c, s);
        if (s.a % 7 === 6) this.emit('float_is_true', [x], 'bool');
        else if (s.a % 7 === 5) this.emit('float_is_integer', [x], 'bool');
        else this.emit(at(FLOAT_CMP, s.a), [x, y], 'bool');
        break;
      }
      case 7: {
        const which = s.a % 3;
        const x = this.value(which === 2 ? 'float' : 'int', s.b, s);
        this.emit((['int_to_float', 'uint_to_float', 'float_to_int32'] as const)[which], [x], which === 2 ? 'int' : 'float');
        break;
      }
      case 8: {
        const [f, type] = at(FIELD_TYPES, s.a);
        // origin.link would be a box through which origin could be written: read links from boxes only.
        const p = type === 'point' ? this.box('point', s.b) : this.readable(s.b);
        if (p !== null) this.emit(`getfield_${f.valueKind}` as Opcode, [p], type, f);
        break;
      }
      case 9: {
        const [f, type] = at(FIELD_TYPES, s.a);
        const p = this.box('point', s.b);
        const v = type === 'point' ? this.box('point', s.c) : this.value(type, s.c, s);
        if (p !== null && v !== null) this.emit('setfield', [p, v], null, f);
        break;
      }
      case 10: {
        const link = this.box('point', s.mask);
        if (link !== null) this.emit('new', [this.value('float', s.a, s), this.value('int', s.b, s), this.value('bool', s.c, s), link], 'point', POINT_CLASS);
        break;
      }
      case 11: { const x = this.box('bool', s.b); if (x !== null) this.guard(s.a % 2 === 0 ? 'guard_true' : 'guard_false', [x], s.mask); break; }
      case 12: {
        const p = this.box('point', s.b);
        if (p !== null) this.guard(s.a % 2 === 0 ? 'guard_nonnull' : 'guard_class', s.a % 2 === 0 ? [p] : [p, constOf('r', Point)], s.mask);
        break;
      }
      case 13: {
        const type = s.a % 2 === 0 ? 'int' : 'bool';
        const x = this.box(type, s.b);
        if (x !== null) this.guard('guard_value', [x, type === 'int' ? constOf('i', s.c % 4) : constOf('i', s.c % 2 === 0)], s.mask);
        break;
      }
      case 14: this.call(s); break;
      case 15: this.emit('debug_merge_point', [], null, this.loc(`step ${this.ops.length} "${s.a % 10}"`)); break;
      case 16: {
        const p = this.readable(s.b);
        const other: Const = constOf('r', at(REF_CONSTS, s.a));
        this.emit(s.c % 2 === 0 ? 'ptr_eq' : 'ptr_ne', s.a % 3 === 0 ? [p, p] : [p, other], 'bool');
        break;
      }
    }
  }

  private call(s: Choice): void {
    switch (s.a % 4) {
      case 0: {
        this.emit('call_f', [this.value('float', s.b, s), this.value('float', s.c, s)], 'float', CALLS.fmix);
        break;
      }
      case 1: { const p = this.box('point', s.b); if (p !== null) this.emit('call_i', [p], 'int', CALLS.getN); break; }
      case 2: {
        const p = this.box('point', s.b), k = this.value('int', s.c, s);
        if (p !== null) this.emit('call_n', [p, k], null, CALLS.bump);
        break;
      }
      case 3: {
        this.emit('call_i', [this.value('int', s.b, s)], 'int', CALLS.checked);
        this.guard('guard_no_exception', [], s.mask);
        break;
      }
    }
  }

  private loc(text: string): Descr {
    const d: Descr = { kind: 'loc', text };
    const old = this.descrs.get(`loc:${JSON.stringify(text)}`);
    return old ?? this.descrs.add(d);
  }
}

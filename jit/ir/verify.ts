// The trace verifier: checks the invariants every pass may assume and must
// keep. Tests run it between optimizer passes; backends run it before compiling.
// Everything it knows about single ops comes from the op table (ops.ts).
//
// Invariants (the `rule` of a VerifyError in brackets):
//  [opcode]     every opcode is in OPS.
//  [arity]      the argument count fits the table's signature (`*` = any more).
//  [arg-kind]   each argument has the kind argKinds() asks for ('.' = any).
//  [result]     ops whose table result is 'v' have no result box; the others have
//               one of exactly that kind.
//  [ssa]        every box is defined once (as an input or an op result), and is
//               defined before it is used, with the kind it is used at.
//  [scope]      the first label starts a new scope: after it only the label's
//               args and boxes defined after it may be used (a jump back to the
//               label carries nothing else). A later label (the loop header of a
//               peeled loop, jumped to only from its own trace) keeps the values
//               defined before it in scope and DEFINES its args (fresh boxes, the
//               loop's phis). Label args are distinct boxes.
//  [descr]      an op has a descriptor exactly when the table names a descr kind
//               (item ops may have none: descrOptional), and of that kind; it
//               agrees with the op: getfield_X reads a field
//               of kind X, setfield stores a value of the field's kind, call_X
//               calls a function returning X, `new` passes one arg per ctor field,
//               getarrayitem_i reads a typed array of integer items.
//  [fail-args]  guards have failArgs (in scope), other ops have null.
//  [const]      i constants are int32 numbers or booleans, f constants numbers;
//               guard_value and guard_class compare with a constant.
//  [raise]      a call whose CallDescr canRaise is immediately followed by
//               guard_no_exception, and guard_no_exception only follows a call.
//  [end]        the trace ends with jump or finish, and they appear nowhere else,
//               except that a jump may directly precede the label it targets
//               (the preamble of a peeled loop enters the loop that way).
//  [jump]       a jump to a label of this trace passes as many values as the
//               label has args, of the same kinds.

import { isIntItem, withArticle, type CallDescr, type ClassDescr, type FieldDescr, type TargetDescr } from './descr.js';
import { argKinds, OPS } from './ops.js';
import type { Opcode } from './ops.js';
import type { Box, Op, Trace, Value } from './trace.js';

export type VerifyRule =
  | 'opcode' | 'arity' | 'arg-kind' | 'result' | 'ssa' | 'scope' | 'descr'
  | 'fail-args' | 'const' | 'raise' | 'end' | 'jump';

export class VerifyError extends Error {
  /** `opIndex` is -1 for the trace inputs. */
  constructor(readonly opIndex: number, readonly rule: VerifyRule, readonly detail: string, opcode: string | null) {
    super(`${opIndex < 0 ? 'inputs' : `op ${opIndex}${opcode === null ? '' : ` (${opcode})`}`}: ${detail} [${rule}]`);
    this.name = 'VerifyError';
  }
}

/** Throws a VerifyError for the first broken invariant; see the file header. */
export function verifyTrace(trace: Trace): void {
  new Verifier(trace).run();
}

class Verifier {
  /** Kind of every box defined so far, by id. */
  private readonly defined = new Map<number, Box['kind']>();
  /** Ids usable at the current op (see [scope]). */
  private scope = new Set<number>();
  /** Arg kinds of this trace's labels, for [jump]. */
  private readonly labels = new Map<TargetDescr, string>();
  private index = -1;
  private opcode: string | null = null;

  constructor(private readonly trace: Trace) {}

  private fail(rule: VerifyRule, detail: string): never {
    throw new VerifyError(this.index, rule, detail, this.opcode);
  }

  run(): void {
    for (const b of this.trace.inputs) this.define(b);
    const ops = this.trace.ops;
    if (ops.length === 0) this.fail('end', 'the trace has no ops; it must end with jump or finish');
    for (let i = 0; i < ops.length; i++) {
      this.index = i;
      this.opcode = ops[i].opcode;
      this.op(ops[i], ops[i - 1] ?? null, ops[i + 1] ?? null, i === ops.length - 1);
    }
  }

  private define(b: Box): void {
    if (this.defined.has(b.id)) this.fail('ssa', `box ${b.kind}${b.id} is defined twice`);
    this.defined.set(b.id, b.kind);
    this.scope.add(b.id);
  }

  /** Checks a use; `role` and `k` name it in the message ('argument 2', 'failArg 0'). */
  private use(v: Value, role: string, k: number): void {
    if (v.tag === 'const') {
      this.constant(v.kind, v.value, role, k);
      return;
    }
    // Messages are built only on failure: this runs for every failArg after every pass.
    const kind = this.defined.get(v.id);
    if (kind === undefined) this.fail('ssa', `${role} ${k} ${v.kind}${v.id} is used before its definition`);
    if (kind !== v.kind) this.fail('ssa', `${role} ${k} ${v.kind}${v.id} was defined as ${kind}${v.id}`);
    if (!this.scope.has(v.id)) this.fail('scope', `${role} ${k} ${v.kind}${v.id} is not in scope after the label`);
  }

  private constant(kind: Value['kind'], x: unknown, role: string, k: number): void {
    const ok = kind === 'i' ? typeof x === 'boolean' || (typeof x === 'number' && (x | 0) === x && !Object.is(x, -0))
      : kind === 'f' ? typeof x === 'number' : true;
    if (!ok) this.fail('const', `${role} ${k} is an ${kind} constant holding ${typeof x} ${String(x)}`);
  }

  private op(op: Op, prev: Op | null, next: Op | null, last: boolean): void {
    if (!Object.hasOwn(OPS, op.opcode)) this.fail('opcode', `unknown opcode '${op.opcode}'`);
    const info = OPS[op.opcode];
    const opcode: Opcode = op.opcode;

    const sig = info.args;
    const variadic = sig.endsWith('*');
    const fixed = variadic ? sig.length - 2 : sig.length;
    if (variadic ? op.args.length < fixed : op.args.length !== fixed) {
      this.fail('arity', `takes ${variadic ? 'at least ' : ''}${fixed} arguments, got ${op.args.length}`);
    }
    const kinds = argKinds(opcode, op.args.length);
    // A later label (a peeled loop's header) defines its args; see [scope].
    const defines = opcode === 'label' && this.labels.size > 0;
    op.args.forEach((a, k) => {
      if (!defines) this.use(a, 'argument', k);
      if (kinds[k] !== '.' && a.kind !== kinds[k]) this.fail('arg-kind', `argument ${k} has kind ${a.kind}, expected ${kinds[k]}`);
    });
    if ((opcode === 'guard_value' || opcode === 'guard_class') && op.args[1].tag !== 'const') {
      this.fail('const', 'argument 1 must be a constant');
    }

    this.descr(op, opcode);

    if ('guard' in info) {
      if (op.failArgs === null) this.fail('fail-args', 'a guard needs failArgs');
      for (let k = 0; k < op.failArgs.length; k++) this.use(op.failArgs[k], 'failArg', k);
    } else if (op.failArgs !== null) {
      this.fail('fail-args', 'only guards have failArgs');
    }

    if (opcode === 'guard_no_exception' && (prev === null || !('call' in OPS[prev.opcode]))) {
      this.fail('raise', 'guard_no_exception must directly follow a call');
    }
    if ('call' in info && (op.descr as CallDescr).canRaise && next?.opcode !== 'guard_no_exception') {
      this.fail('raise', `call:${(op.descr as CallDescr).name} can raise but is not followed by guard_no_exception`);
    }

    if (opcode === 'label') this.label(op);
    if (opcode === 'jump') this.jump(op, next);

    const ends = opcode === 'jump' || opcode === 'finish';
    const intoNextLabel = opcode === 'jump' && next?.opcode === 'label' && next.descr === op.descr;
    if (ends && !last && !intoNextLabel) this.fail('end', `${opcode} must be the last op`);
    if (!ends && last) this.fail('end', 'the trace must end with jump or finish');

    if (info.result === 'v') {
      if (op.result !== null) this.fail('result', 'has no result, but defines a box');
    } else {
      if (op.result === null) this.fail('result', `needs a result box of kind ${info.result}`);
      if (op.result.kind !== info.result) this.fail('result', `result ${op.result.kind}${op.result.id} must have kind ${info.result}`);
      this.define(op.result);
    }
  }

  private descr(op: Op, opcode: Opcode): void {
    const want = (OPS[opcode] as { descr?: string }).descr;
    const d = op.descr;
    if (want === undefined) {
      if (d !== null) this.fail('descr', `takes no descriptor, has a ${d.kind} descriptor`);
      return;
    }
    if (d === null) {
      if ((OPS[opcode] as { descrOptional?: boolean }).descrOptional) return;
      this.fail('descr', `needs ${withArticle(want)} descriptor`);
    }
    if (d.kind !== want) this.fail('descr', `needs ${withArticle(want)} descriptor, has ${withArticle(d.kind)} descriptor`);
    const result = OPS[opcode].result;
    if (opcode.startsWith('getfield_') && (d as FieldDescr).valueKind !== result) {
      this.fail('descr', `field ${(d as FieldDescr).owner}.${(d as FieldDescr).name} has kind ${(d as FieldDescr).valueKind}`);
    }
    if (opcode === 'setfield' && (d as FieldDescr).valueKind !== op.args[1].kind) {
      this.fail('descr', `field ${(d as FieldDescr).owner}.${(d as FieldDescr).name} has kind ${(d as FieldDescr).valueKind}, the value ${op.args[1].kind}`);
    }
    if (opcode === 'getarrayitem_i' && d.kind === 'array' && !isIntItem(d.item)) {
      this.fail('descr', `getarrayitem_i reads integers, array:${d.name} holds floats`);
    }
    if (d.kind === 'call' && d.resultKind !== result) {
      this.fail('descr', `call:${d.name} returns kind ${d.resultKind}, the op ${result}`);
    }
    if (opcode === 'new') {
      const fields = (d as ClassDescr).ctorFields;
      if (fields.length !== op.args.length) this.fail('descr', `class ${(d as ClassDescr).name} takes ${fields.length} constructor arguments, got ${op.args.length}`);
      fields.forEach((f, k) => {
        if (f.valueKind !== op.args[k].kind) this.fail('descr', `argument ${k} has kind ${op.args[k].kind}, field ${f.name} has kind ${f.valueKind}`);
      });
    }
  }

  private label(op: Op): void {
    const next = new Set<number>();
    for (const a of op.args) {
      if (a.tag !== 'box') this.fail('scope', 'label args must be boxes');
      if (next.has(a.id)) this.fail('scope', `label arg ${a.kind}${a.id} appears twice`);
      next.add(a.id);
    }
    const target = op.descr as TargetDescr;
    if (this.labels.has(target)) this.fail('scope', `a second label for target:${target.name}`);
    const first = this.labels.size === 0;
    this.labels.set(target, op.args.map((a) => a.kind).join(''));
    if (first) this.scope = next;
    else for (const a of op.args) this.define(a as Box);
  }

  private jump(op: Op, next: Op | null): void {
    const into = next?.opcode === 'label' && next.descr === op.descr ? next.args.map((a) => a.kind).join('') : undefined;
    const kinds = into ?? this.labels.get(op.descr as TargetDescr);
    if (kinds === undefined) return; // a label of another trace: checked when linking
    const got = op.args.map((a) => a.kind).join('');
    if (got !== kinds) this.fail('jump', `jumps with kinds (${got}) to a label with kinds (${kinds})`);
  }
}

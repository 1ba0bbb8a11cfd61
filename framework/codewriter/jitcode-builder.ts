// The base layer of the function writer (function-writer.ts): the registers,
// constants and instructions of the jitcode being written, and the helpers every
// layer above uses to emit them. The layers, each a class extending the one
// before: this builder, calls (call-writer.ts), expressions and operators
// (expression-writer.ts), statements and the whole function (function-writer.ts).

import ts from 'typescript';
import type { Kind, Opcode } from '../../jit/ir/ops.js';
import type { CallJSON, ConstJSON, InsnJSON, SymRef } from './bundle.js';
import { WriterContext } from './context.js';
import { errorAt, kindOfType } from './types.js';

export type FunctionLikeDecl = ts.FunctionDeclaration | ts.MethodDeclaration;

/** What the codewriter knows about a JitDriver declared at top level. */
export interface DriverInfo {
  readonly symbol: ts.Symbol;
  readonly ref: SymRef;
  readonly greens: string[];
  readonly reds: string[];
}

export interface LoopScope {
  readonly label: string | null;
  readonly breaks: number[];
  readonly continues: number[];
  readonly isSwitch: boolean;
}

/** The operand of an expression with no value (a call of a void function). */
export const NO_VALUE = -0x7fffffff;

export const FRAMEWORK_HOST_FUNCTIONS = new Set(['hostWrite', 'hostWriteError', 'hostReadFile', 'hostReadFileBytes']);

export abstract class JitcodeBuilder {
  protected readonly kinds: Kind[] = [];
  protected readonly insns: InsnJSON[] = [];
  protected readonly consts: ConstJSON[] = [];
  protected readonly constKinds: Kind[] = [];
  protected readonly constKeys = new Map<string, number>();
  protected readonly handlers: { start: number; end: number; target: number; reg: number }[] = [];
  protected readonly locals = new Map<ts.Symbol, number>();
  protected readonly scopes: LoopScope[] = [];
  protected readonly params: number[] = [];
  protected hasLoop = false;
  protected readonly checker: ts.TypeChecker;
  protected resultKind: Kind = 'v';
  /** Set when this function is a portal: where its merge point is. */
  mergePoint: { node: ts.Node; pc: number } | null = null;

  constructor(
    protected readonly ctx: WriterContext,
    protected readonly decl: FunctionLikeDecl,
    protected readonly name: string,
    protected readonly drivers: ReadonlyMap<ts.Symbol, DriverInfo>,
  ) {
    this.checker = ctx.checker;
  }

  // ---------------------------------------------------------------- helpers

  protected newReg(kind: Kind): number {
    if (kind === 'v') throw new Error('no register of kind v');
    this.kinds.push(kind);
    return this.kinds.length - 1;
  }

  protected emit(insn: InsnJSON): number {
    this.insns.push(insn);
    return this.insns.length - 1;
  }

  protected get here(): number {
    return this.insns.length;
  }

  protected patch(at: number, target: number): void {
    const insn = this.insns[at];
    if (insn.k !== 'goto' && insn.k !== 'branch') throw new Error('patching a non-jump');
    insn.target = target;
  }

  protected constant(kind: Kind, c: ConstJSON): number {
    const key = `${kind}:${JSON.stringify(c)}`;
    let idx = this.constKeys.get(key);
    if (idx === undefined) {
      idx = this.consts.length;
      this.consts.push(c);
      this.constKinds.push(kind);
      this.constKeys.set(key, idx);
    }
    return -1 - idx;
  }

  protected numConst(n: number): number {
    if (Number.isNaN(n)) return this.constant('f', { nf: 'NaN' });
    if (n === Infinity) return this.constant('f', { nf: 'Infinity' });
    if (n === -Infinity) return this.constant('f', { nf: '-Infinity' });
    if (Object.is(n, -0)) return this.constant('f', { nf: '-0' });
    return this.constant('f', { n });
  }

  protected kindOf(operand: number): Kind {
    return operand >= 0 ? this.kinds[operand] : this.constKinds[-1 - operand];
  }

  protected kindAt(e: ts.Node): Kind {
    return kindOfType(this.checker.getTypeAtLocation(e));
  }

  /** Converts between kinds (identity in JS: numbers and booleans inside unions). */
  protected coerce(operand: number, to: Kind, node: ts.Node): number {
    const from = this.kindOf(operand);
    if (from === to || to === 'v') return operand;
    if (operand < 0) return this.constant(to, this.consts[-1 - operand]);
    const conv: Partial<Record<string, Opcode>> = { fr: 'box_float', ir: 'box_int', rf: 'unbox_float', ri: 'unbox_int' };
    const op = conv[from + to];
    if (!op) throw errorAt(node, `cannot use a value of kind ${from} where kind ${to} is expected`);
    return this.op(op, [operand], to);
  }

  protected op(op: Opcode, args: number[], kind: Kind, descr = -1, extra?: { immutableItems?: true }): number {
    const dst = kind === 'v' ? -1 : this.newReg(kind);
    this.emit({ k: 'op', op, args, dst, descr, ...(extra ?? {}) });
    return dst < 0 ? NO_VALUE : dst;
  }

  protected call(call: CallJSON, args: number[]): number {
    const dst = call.resultKind === 'v' ? -1 : this.newReg(call.resultKind);
    this.emit({ k: 'call', descr: this.ctx.callDescr(call), args, dst });
    return dst < 0 ? NO_VALUE : dst;
  }

  /** Truthiness as an i-kind operand. */
  protected truth(operand: number): number {
    switch (this.kindOf(operand)) {
      case 'i': return operand;
      case 'f': return this.op('float_is_true', [operand], 'i');
      default: return this.op('ref_is_true', [operand], 'i');
    }
  }

  protected cond(e: ts.Expression): number {
    return this.truth(this.expr(e));
  }

  protected declOf(node: ts.Node): ts.Declaration | null {
    let sym = this.checker.getSymbolAtLocation(node);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    return sym?.valueDeclaration ?? sym?.declarations?.[0] ?? null;
  }

  /** Writes an expression and returns its operand (expression-writer.ts). */
  abstract expr(e: ts.Expression): number;
}

// The loaded form of a regvm program: one Code object per function, holding a
// flat instruction array. Everything here is immutable once the assembler has
// built it, so with `code` and `pc` green the JIT folds instruction decoding,
// constant loads and call-target lookups to constants.
//
// Instruction encoding: the opcode, then its operands, one array slot each.
// Registers are indices into the frame, `k` indexes code.consts, `l` is the pc
// of a label in the same function, and `call` is
//   CALL dst func nargs arg1 .. argN      (func indexes module.funcs)

import { W_Value } from './values.js';

/** One row of the instruction table: its mnemonic and operand kinds. */
export class InsnInfo {
  readonly name: string;
  /** One letter per operand: r register, k literal constant, l label. */
  readonly operands: string;

  constructor(name: string, operands: string) {
    this.name = name;
    this.operands = operands;
  }
}

// Opcode numbers are the indices into INSNS below; keep the two in step.
export const OP_CONST = 0;
export const OP_MOV = 1;
export const OP_ADD = 2;
export const OP_SUB = 3;
export const OP_MUL = 4;
export const OP_DIV = 5;
export const OP_MOD = 6;
export const OP_LT = 7;
export const OP_LE = 8;
export const OP_EQ = 9;
export const OP_JMP = 10;
export const OP_JNZ = 11;
export const OP_JZ = 12;
export const OP_CALL = 13;
export const OP_RET = 14;
export const OP_PRINT = 15;
export const OP_WRITE = 16;
/** Appended by the assembler after each function's last line: falling off the end returns int 0. */
export const OP_END = 17;

export const INSNS: readonly InsnInfo[] = [
  new InsnInfo('const', 'rk'),
  new InsnInfo('mov', 'rr'),
  new InsnInfo('add', 'rrr'),
  new InsnInfo('sub', 'rrr'),
  new InsnInfo('mul', 'rrr'),
  new InsnInfo('div', 'rrr'),
  new InsnInfo('mod', 'rrr'),
  new InsnInfo('lt', 'rrr'),
  new InsnInfo('le', 'rrr'),
  new InsnInfo('eq', 'rrr'),
  new InsnInfo('jmp', 'l'),
  new InsnInfo('jnz', 'rl'),
  new InsnInfo('jz', 'rl'),
  new InsnInfo('call', 'r'), // then a function name and argument registers (special-cased)
  new InsnInfo('ret', 'r'),
  new InsnInfo('print', 'r'),
  new InsnInfo('write', 'r'),
  new InsnInfo('end', ''),
];

/** A guest error (syntax or runtime): the message already names the file and position. */
export class RegvmError extends Error {}

export class Code {
  readonly name: string;
  readonly nparams: number;
  /** Frame size: parameters live in r0 .. r(nparams-1). */
  readonly nregs: number;
  readonly insns: readonly number[];
  readonly consts: readonly W_Value[];
  /** Source line and column of each instruction slot, only for messages. */
  readonly lines: readonly number[];
  readonly cols: readonly number[];
  readonly module: Module;

  constructor(
    name: string,
    nparams: number,
    nregs: number,
    insns: readonly number[],
    consts: readonly W_Value[],
    lines: readonly number[],
    cols: readonly number[],
    module: Module,
  ) {
    this.name = name;
    this.nparams = nparams;
    this.nregs = nregs;
    this.insns = insns;
    this.consts = consts;
    this.lines = lines;
    this.cols = cols;
    this.module = module;
  }

  /** `file:line:col` of the instruction at `pc`. */
  positionOf(pc: number): string {
    return this.module.path + ':' + this.lines[pc] + ':' + this.cols[pc];
  }

  /** E.g. `fib pc=12 add`, for JIT logs. */
  describe(pc: number): string {
    return this.name + ' pc=' + pc + ' ' + INSNS[this.insns[pc]].name;
  }
}

export class Module {
  readonly path: string;
  /**
   * Every function, in source order. The assembler fills this array while
   * loading (functions refer to each other, so the module must exist first);
   * it never changes after that.
   */
  readonly funcs: readonly Code[];

  constructor(path: string, funcs: readonly Code[]) {
    this.path = path;
    this.funcs = funcs;
  }

  findFunction(name: string): Code | null {
    for (let i = 0; i < this.funcs.length; i++) {
      if (this.funcs[i].name === name) return this.funcs[i];
    }
    return null;
  }
}

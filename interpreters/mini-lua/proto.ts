// Bytecode format and function prototypes.
//
// An instruction is one int32:
//
//    31      24 23      16 15       8 7        0
//   +----------+----------+----------+----------+
//   |    C     |    B     |    A     |    op    |   iABC
//   |         Bx (16, unsigned)      |    A     |    op    |   iABx
//   |  sBx = ins >> 16 (signed)      |    A     |    op    |   iAsBx
//   |          sJ = ins >> 8 (24 bits signed)    |    op    |   isJ
//
// Registers are indices into the frame's `regs`; constants index `Proto.k`. A captured
// local's register holds a Box (see value.ts): NEWBOX creates the cell at the
// declaration (a fresh one per loop iteration), GETBOX/SETBOX read and write it.

import { immutableArray, type ImmutableArray } from 'metajit';
import { LFloat } from './value.js';
import type { LuaValue } from './value.js';

export const OP_MOVE = 0;
export const OP_LOADK = 1;
export const OP_LOADNIL = 2; // R[A..A+B] = nil
export const OP_LOADBOOL = 3; // R[A] = B != 0; if C: pc++
export const OP_GETUPVAL = 4;
export const OP_SETUPVAL = 5; // U[B].v = R[A]
export const OP_GETBOX = 6; // R[A] = R[B].v
export const OP_SETBOX = 7; // R[A].v = R[B]
export const OP_NEWBOX = 8; // R[A] = Box(R[A])
export const OP_GETTABUP = 9; // R[A] = U[B].v[K[C]]
export const OP_SETTABUP = 10; // U[A].v[K[B]] = R[C]
export const OP_GETTABLE = 11; // R[A] = R[B][R[C]]
export const OP_GETFIELD = 12; // R[A] = R[B][K[C]]
export const OP_SETTABLE = 13; // R[A][R[B]] = R[C]
export const OP_SETFIELD = 14; // R[A][K[B]] = R[C]
export const OP_NEWTABLE = 15;
export const OP_SELF = 16; // R[A+1] = R[B]; R[A] = R[B][K[C]]
export const OP_UNM = 17;
export const OP_NOT = 18;
export const OP_LEN = 19;
export const OP_BNOT = 20;
export const OP_CONCAT = 21; // R[A] = R[B] .. R[C]
export const OP_JMP = 22;
export const OP_EQ = 23; // if ((R[A] == R[B]) ~= C) then pc++
export const OP_LT = 24;
export const OP_LE = 25;
export const OP_EQK = 26; // R[A] == K[B]
export const OP_LTK = 27; // R[A] < K[B]
export const OP_LEK = 28; // R[A] <= K[B]
export const OP_GTK = 29; // R[A] > K[B]
export const OP_GEK = 30; // R[A] >= K[B]
export const OP_TEST = 31; // if (truthy(R[A]) ~= C) then pc++
export const OP_CALL = 32; // R[A](R[A+1..A+B-1]) -> R[A..A+C-2]; B=0: to top; C=0: multi
export const OP_TAILCALL = 33;
export const OP_RETURN = 34; // return R[A..A+B-2]; B=0: to top
export const OP_FORPREP = 35; // A, Bx: jump forward to after FORLOOP when empty
export const OP_FORLOOP = 36; // A, Bx: jump back by Bx
export const OP_TFORPREP = 37; // A, Bx: jump forward to TFORCALL
export const OP_TFORCALL = 38; // R[A+4..A+3+C] = R[A](R[A+1], R[A+2])
export const OP_TFORLOOP = 39; // if R[A+4] ~= nil { R[A+2] = R[A+4]; pc -= Bx }
export const OP_SETLIST = 40; // R[A][start+i] = R[A+i], i = 1..B (B=0: to top); next word: start
export const OP_CLOSURE = 41; // R[A] = closure(protos[Bx])
export const OP_VARARG = 42; // R[A..A+C-2] = ...; C=0: all
export const OP_TBC = 43; // mark R[A] to be closed
export const OP_CLOSE = 44; // close tbc variables >= R[A]
export const OP_RETURN0 = 45;
export const OP_RETURN1 = 46; // return R[A]
export const OP_ADDI = 47; // R[A] = R[B] + sC (C is a signed 8-bit immediate)
// Arithmetic and bitwise: base + B_* (0..11) from ast.ts
export const OP_ARITH = 48; // R[A] = R[B] op R[C]
export const OP_ARITHK = 60; // R[A] = R[B] op K[C]
export const OP_ARITHKL = 72; // R[A] = K[C] op R[B] (a numeral on the left: 1 - x, 2 ^ n)
// Arithmetic (B_ADD..B_IDIV) with a float numeral, read as a raw double from KF (see Proto.kf):
// the result is a float whatever the other operand, so the fast path has no integer case.
export const OP_ARITHKF = 84; // R[A] = R[B] op KF[C]
export const OP_ARITHKFL = 91; // R[A] = KF[C] op R[B]
export const OP_GETI = 98; // R[A] = R[B][C] (C: an integer key 0..255)
export const OP_SETI = 99; // R[A][B] = R[C] (B: an integer key 0..255)
export const OP_NUM = 100;

export const OP_NAMES: string[] = [
  'MOVE', 'LOADK', 'LOADNIL', 'LOADBOOL', 'GETUPVAL', 'SETUPVAL', 'GETBOX', 'SETBOX', 'NEWBOX', 'GETTABUP',
  'SETTABUP', 'GETTABLE', 'GETFIELD', 'SETTABLE', 'SETFIELD', 'NEWTABLE', 'SELF', 'UNM', 'NOT', 'LEN', 'BNOT',
  'CONCAT', 'JMP', 'EQ', 'LT', 'LE', 'EQK', 'LTK', 'LEK', 'GTK', 'GEK', 'TEST', 'CALL', 'TAILCALL', 'RETURN',
  'FORPREP', 'FORLOOP', 'TFORPREP', 'TFORCALL', 'TFORLOOP', 'SETLIST', 'CLOSURE', 'VARARG', 'TBC', 'CLOSE',
  'RETURN0', 'RETURN1', 'ADDI',
  'ADD', 'SUB', 'MUL', 'MOD', 'POW', 'DIV', 'IDIV', 'BAND', 'BOR', 'BXOR', 'SHL', 'SHR',
  'ADDK', 'SUBK', 'MULK', 'MODK', 'POWK', 'DIVK', 'IDIVK', 'BANDK', 'BORK', 'BXORK', 'SHLK', 'SHRK',
  'ADDKL', 'SUBKL', 'MULKL', 'MODKL', 'POWKL', 'DIVKL', 'IDIVKL', 'BANDKL', 'BORKL', 'BXORKL', 'SHLKL', 'SHRKL',
  'ADDKF', 'SUBKF', 'MULKF', 'MODKF', 'POWKF', 'DIVKF', 'IDIVKF',
  'ADDKFL', 'SUBKFL', 'MULKFL', 'MODKFL', 'POWKFL', 'DIVKFL', 'IDIVKFL',
  'GETI', 'SETI',
];

/**
 * What the dispatch loop must report to the libraries: one per Lua state, reachable
 * from every Proto so that the loop reads it from the green `proto`, and traces fold
 * the tests away (quasi-immutable fields) instead of reading the state.
 */
export class VmGate {
  /**
   * Non-zero while some thread has a debug hook (lhook.ts): each instruction is reported.
   * @quasiImmutable
   */
  hooks: number = 0;
  /**
   * Non-zero once a weak table exists (lgc.ts): allocations are counted, to run
   * collection cycles that clear weak tables.
   * @quasiImmutable
   */
  gc: number = 0;
}

/**
 * A compiled function. Every field is immutable, including the items of the arrays
 * (readonly T[]; the Int32Arrays are never written after compilation -- switch them to
 * metajit's ImmutableArray once the subset checker accepts it): with `proto` green,
 * traces can fold instruction fetch, constants and upvalue descriptors.
 */
export class Proto {
  readonly code: ImmutableArray<Int32Array>;
  readonly k: readonly LuaValue[];
  /** The float constants of `k` as raw doubles (an integral float is an LFloat box in `k`); 0 elsewhere. */
  readonly kf: readonly number[];
  readonly protos: readonly Proto[];
  /** Per upvalue: 1 = capture the box in the enclosing frame's register, 0 = its upvalue. */
  readonly upInStack: Int32Array;
  readonly upIndex: Int32Array;
  readonly upNames: readonly string[];
  readonly numParams: number;
  readonly isVararg: boolean;
  readonly maxStack: number;
  /** maxStack nils: a new frame's registers are a copy (packed, filled by memcpy). */
  readonly nilRegs: readonly LuaValue[];
  /** Source line of each instruction. */
  readonly lines: Int32Array;
  /** Two operand descriptions per instruction, for error messages ("local 'x'"). */
  readonly names: readonly (string | null)[];
  readonly source: string;
  readonly lineDefined: number;
  /** Line of the function's final 'end' (debug.getinfo's lastlinedefined). */
  readonly lastLine: number;
  readonly name: string;
  /** The chunk name as given to load ("@file.lua", "=stdin", "modname"); source is its display form. */
  readonly chunkname: string;
  readonly gate: VmGate;
  constructor(
    code: Int32Array, k: readonly LuaValue[], protos: readonly Proto[],
    upInStack: Int32Array, upIndex: Int32Array, upNames: readonly string[],
    numParams: number, isVararg: boolean, maxStack: number, lines: Int32Array,
    names: readonly (string | null)[], source: string, lineDefined: number, name: string, chunkname: string,
    lastLine: number, gate: VmGate,
  ) {
    this.code = immutableArray(code);
    this.k = k;
    const kf: number[] = [];
    for (let i = 0; i < k.length; i++) {
      const v = k[i];
      kf.push(v instanceof LFloat ? v.n : typeof v === 'number' && !Number.isInteger(v) ? v : 0);
    }
    this.kf = kf;
    this.protos = protos;
    this.upInStack = upInStack;
    this.upIndex = upIndex;
    this.upNames = upNames;
    this.numParams = numParams;
    this.isVararg = isVararg;
    this.maxStack = maxStack;
    const nils: LuaValue[] = [];
    for (let i = 0; i < maxStack; i++) nils.push(null);
    this.nilRegs = nils;
    this.lines = lines;
    this.names = names;
    this.source = source;
    this.lineDefined = lineDefined;
    this.lastLine = lastLine;
    this.name = name;
    this.chunkname = chunkname;
    this.gate = gate;
  }
}

export function insABC(op: number, a: number, b: number, c: number): number {
  return op | (a << 8) | (b << 16) | (c << 24);
}

export function insABx(op: number, a: number, bx: number): number {
  return op | (a << 8) | (bx << 16);
}

export function insSJ(op: number, sj: number): number {
  return op | (sj << 8);
}

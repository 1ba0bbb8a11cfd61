// regvm: a tiny register machine with functions, for metajit.
//
//   regvm <program.rvm> [args...]      (args become main's parameters)
//
// Registers hold boxed values (values.ts); each call runs in a fresh Frame by
// calling the portal recursively, so the JIT sees guest calls as portal calls.
// The syntax is described in assembler.ts. The only JIT-specific code is the
// driver and its calls in `interpret`, and the @unrollSafe tag on newFrame.

import { JitDriver, hostWrite, hostWriteError, hostReadFile, HostError } from 'metajit';
import { argumentValue, assemble } from './assembler.js';
import {
  Code, OP_ADD, OP_CALL, OP_CONST, OP_DIV, OP_END, OP_EQ, OP_JMP, OP_JNZ, OP_JZ, OP_LE, OP_LT, OP_MOD, OP_MOV,
  OP_MUL, OP_PRINT, OP_RET, OP_SUB, OP_WRITE, INSNS, RegvmError,
} from './code.js';
import { W_Int, W_Value } from './values.js';

/** Deeper guest recursion is a guest error, well before the host stack runs out. */
const MAX_CALL_DEPTH = 1000;

const ZERO = new W_Int(0);

/** The registers of one function activation. */
export class Frame {
  /** @virtualizable */
  readonly regs: W_Value[];
  /** Number of calls below this one; main runs at depth 0. */
  readonly depth: number;

  constructor(regs: W_Value[], depth: number) {
    this.regs = regs;
    this.depth = depth;
  }
}

/**
 * A frame for `code` with every register set to int 0.
 * @unrollSafe the loop runs code.nregs times, a constant wherever code is green.
 */
function newFrame(code: Code, depth: number): Frame {
  const regs: W_Value[] = [];
  for (let i = 0; i < code.nregs; i++) regs.push(ZERO);
  return new Frame(regs, depth);
}

const driver = new JitDriver({
  greens: ['pc', 'code'],
  reds: ['frame'],
  virtualizables: ['frame'],
  getPrintableLocation: (pc: number, code: Code) => code.describe(pc),
});

/** Binary operators as virtual calls; `op` is a constant in traces, so the switch folds. */
function binop(op: number, a: W_Value, b: W_Value): W_Value | null {
  switch (op) {
    case OP_ADD:
      return a.add(b);
    case OP_SUB:
      return a.sub(b);
    case OP_MUL:
      return a.mul(b);
    case OP_DIV:
      return a.div(b);
    case OP_MOD:
      return a.mod(b);
    case OP_LT:
      return a.lt(b);
    case OP_LE:
      return a.le(b);
    default:
      return a.eq(b);
  }
}

/** The guest error for a binary operator that returned null. */
function operatorError(code: Code, pc: number, a: W_Value, b: W_Value): RegvmError {
  const op = code.insns[pc];
  const name = INSNS[op].name;
  if ((op === OP_DIV || op === OP_MOD) && a instanceof W_Int && b instanceof W_Int) {
    return new RegvmError(code.positionOf(pc) + ": integer division by zero in '" + name + "'");
  }
  return new RegvmError(code.positionOf(pc) + ": '" + name + "' does not apply to " + a.typeName() + ' and ' + b.typeName());
}

/** The portal: runs `code` in `frame` from `pc` until `ret`, and returns the result. */
function interpret(pc: number, code: Code, frame: Frame): W_Value {
  while (true) {
    driver.jitMergePoint(pc, code, frame);
    const insns = code.insns;
    const regs = frame.regs;
    const op = insns[pc];
    switch (op) {
      case OP_CONST:
        regs[insns[pc + 1]] = code.consts[insns[pc + 2]];
        pc += 3;
        break;
      case OP_MOV:
        regs[insns[pc + 1]] = regs[insns[pc + 2]];
        pc += 3;
        break;
      case OP_ADD:
      case OP_SUB:
      case OP_MUL:
      case OP_DIV:
      case OP_MOD:
      case OP_LT:
      case OP_LE:
      case OP_EQ: {
        const a = regs[insns[pc + 2]];
        const b = regs[insns[pc + 3]];
        const result = binop(op, a, b);
        if (result === null) throw operatorError(code, pc, a, b);
        regs[insns[pc + 1]] = result;
        pc += 4;
        break;
      }
      case OP_JMP: {
        const target = insns[pc + 1];
        if (target <= pc) driver.canEnterJit(target, code, frame); // a guest loop's back-edge
        pc = target;
        break;
      }
      case OP_JNZ:
      case OP_JZ: {
        if (regs[insns[pc + 1]].isTrue() === (op === OP_JNZ)) {
          const target = insns[pc + 2];
          if (target <= pc) driver.canEnterJit(target, code, frame);
          pc = target;
        } else {
          pc += 3;
        }
        break;
      }
      case OP_CALL: {
        if (frame.depth >= MAX_CALL_DEPTH) {
          throw new RegvmError(code.positionOf(pc) + ': call stack overflow (more than ' + MAX_CALL_DEPTH + ' nested calls)');
        }
        const callee = code.module.funcs[insns[pc + 2]];
        const calleeFrame = newFrame(callee, frame.depth + 1);
        const nargs = insns[pc + 3];
        for (let i = 0; i < nargs; i++) calleeFrame.regs[i] = regs[insns[pc + 4 + i]];
        regs[insns[pc + 1]] = interpret(0, callee, calleeFrame);
        pc += 4 + nargs;
        break;
      }
      case OP_RET:
        return regs[insns[pc + 1]];
      case OP_PRINT:
        hostWrite(regs[insns[pc + 1]].str() + '\n');
        pc += 2;
        break;
      case OP_WRITE:
        hostWrite(regs[insns[pc + 1]].str());
        pc += 2;
        break;
      case OP_END:
        return ZERO;
      default:
        throw new RegvmError(code.positionOf(pc) + ': bad opcode ' + op);
    }
  }
}

export function main(argv: readonly string[]): number {
  if (argv.length < 1) {
    hostWriteError('usage: regvm <program.rvm> [args...]\n');
    return 1;
  }
  const path = argv[0];
  try {
    const module = assemble(path, hostReadFile(path));
    const entry = module.findFunction('main');
    if (entry === null) throw new RegvmError(path + ": no function 'main'");
    if (entry.nparams !== argv.length - 1) {
      throw new RegvmError(path + ": 'main' takes " + entry.nparams + ' argument(s), got ' + (argv.length - 1));
    }
    const frame = newFrame(entry, 0);
    for (let i = 1; i < argv.length; i++) frame.regs[i - 1] = argumentValue(argv[i]);
    interpret(0, entry, frame);
    return 0;
  } catch (e) {
    if (e instanceof RegvmError || e instanceof HostError) {
      hostWriteError(e.message + '\n');
      return 1;
    }
    throw e;
  }
}

// A Brainfuck interpreter for metajit.
//
//   bf <program.b> [input]
//
// `,` reads the bytes of the `input` argument one by one and then 0 (end of
// input). The tape has 30000 cells of 8 bits with wrapping arithmetic; moving
// the pointer off either end is a guest error (checked at the end of each run
// of `<` and `>`, which load as one op).
//
// The only JIT-specific code is the driver and its two calls in `run`: the
// green key is the position (`pc`, `program`), the tape is the one red (a
// virtualizable: its data pointer and cells array live in compiled code's
// locals).

import { JitDriver, hostWrite, hostWriteError, hostReadFile, HostError } from 'metajit';
import { BfError, OP_ADD, OP_CLEAR, OP_IN, OP_JNZ, OP_JZ, OP_MOVE, OP_OUT, Program, parseProgram } from './program.js';

const TAPE_SIZE = 30000;

/** The mutable machine state: cells, the data pointer, and the input not yet read. */
export class Tape {
  /**
   * Virtualizable too: compiled loops and their bridges carry the array
   * instead of reading it again (its items stay in the typed heap).
   * @virtualizable
   */
  readonly cells: Uint8Array;
  /**
   * Written by every `<`/`>`: virtualizable, so compiled loops keep it in a
   * local and write it back only when they exit.
   * @virtualizable
   */
  ptr: number;
  readonly input: string;
  inputPos: number;

  constructor(input: string) {
    this.cells = new Uint8Array(TAPE_SIZE);
    this.ptr = 0;
    this.input = input;
    this.inputPos = 0;
  }

  /** The next input byte, or 0 once the input is used up. */
  readByte(): number {
    if (this.inputPos >= this.input.length) return 0;
    const b = this.input.charCodeAt(this.inputPos) & 255;
    this.inputPos++;
    return b;
  }
}

const driver = new JitDriver({
  greens: ['pc', 'program'],
  reds: ['tape'],
  virtualizables: ['tape'],
  getPrintableLocation: (pc: number, program: Program) => 'pc=' + pc + ' ' + program.describe(pc),
});

/** The portal: runs `program` from `pc` until it falls off the end. */
function run(pc: number, program: Program, tape: Tape): void {
  while (true) {
    driver.jitMergePoint(pc, program, tape);
    if (pc >= program.ops.length) return; // fell off the end
    const op = program.ops[pc];
    const arg = program.args[pc];
    switch (op) {
      case OP_ADD:
        tape.cells[tape.ptr] = (tape.cells[tape.ptr] + arg) & 255;
        pc++;
        break;
      case OP_MOVE: {
        const p = tape.ptr + arg;
        if (p < 0 || p >= TAPE_SIZE) {
          throw new BfError(program.positionOf(pc) + ': pointer moved off the tape (cells 0..' + (TAPE_SIZE - 1) + ')');
        }
        tape.ptr = p;
        pc++;
        break;
      }
      case OP_OUT:
        hostWrite(String.fromCharCode(tape.cells[tape.ptr]));
        pc++;
        break;
      case OP_IN:
        tape.cells[tape.ptr] = tape.readByte();
        pc++;
        break;
      case OP_JZ:
        // Forward jump past the matching `]`: not a back-edge.
        if (tape.cells[tape.ptr] === 0) pc = arg + 1;
        else pc++;
        break;
      case OP_JNZ:
        if (tape.cells[tape.ptr] !== 0) {
          // Back to the first op of the loop body: the guest loop's back-edge.
          pc = arg + 1;
          driver.canEnterJit(pc, program, tape);
        } else {
          pc++;
        }
        break;
      case OP_CLEAR:
        tape.cells[tape.ptr] = 0;
        pc++;
        break;
      default:
        throw new BfError(program.positionOf(pc) + ': bad op ' + op);
    }
  }
}

export function main(argv: readonly string[]): number {
  if (argv.length < 1) {
    hostWriteError('usage: bf <program.b> [input]\n');
    return 1;
  }
  try {
    const program = parseProgram(argv[0], hostReadFile(argv[0]));
    run(0, program, new Tape(argv.length > 1 ? argv[1] : ''));
    return 0;
  } catch (e) {
    if (e instanceof BfError || e instanceof HostError) {
      hostWriteError(e.message + '\n');
      return 1;
    }
    throw e;
  }
}

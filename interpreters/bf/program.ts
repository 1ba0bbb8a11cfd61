// Loading a Brainfuck program: source text -> a compact op array.
//
// Loading does the work the dispatch loop should never do: runs of `+ -` and
// `< >` fold into one op with a count, `[-]` and `[+]` become one clear op, and
// every bracket knows the index of its partner. All arrays are immutable once
// built, so a trace with a constant `program` folds the instruction fetch away.

export const OP_ADD = 0; // cell = (cell + arg) mod 256
export const OP_MOVE = 1; // ptr += arg
export const OP_OUT = 2; // write the cell as one byte
export const OP_IN = 3; // read one input byte into the cell (0 at end of input)
export const OP_JZ = 4; // `[`: arg = index of the matching `]`
export const OP_JNZ = 5; // `]`: arg = index of the matching `[`
export const OP_CLEAR = 6; // `[-]` or `[+]`: cell = 0

/** A guest error: the message already names the file and position. */
export class BfError extends Error {}

export class Program {
  readonly path: string;
  readonly source: string;
  readonly ops: readonly number[];
  /** The operand of each op (see the OP_ constants); 0 when it has none. */
  readonly args: readonly number[];
  /** Source offset of each op, only for messages. */
  readonly srcPos: readonly number[];

  constructor(path: string, source: string, ops: readonly number[], args: readonly number[], srcPos: readonly number[]) {
    this.path = path;
    this.source = source;
    this.ops = ops;
    this.args = args;
    this.srcPos = srcPos;
  }

  /** `file:line:col` of op `pc`. */
  positionOf(pc: number): string {
    return this.path + ':' + lineCol(this.source, this.srcPos[pc]);
  }

  /** A short readable form of op `pc`, e.g. `+3`, `>2`, `[`, for JIT logs. */
  describe(pc: number): string {
    if (pc >= this.ops.length) return 'end';
    const op = this.ops[pc];
    const arg = this.args[pc];
    if (op === OP_ADD) return arg < 0 ? '-' + -arg : '+' + arg;
    if (op === OP_MOVE) return arg < 0 ? '<' + -arg : '>' + arg;
    if (op === OP_OUT) return '.';
    if (op === OP_IN) return ',';
    if (op === OP_JZ) return '[';
    if (op === OP_JNZ) return ']';
    return '[-]';
  }
}

/** `line:col` (both from 1) of a source offset. */
export function lineCol(source: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset; i++) {
    if (source[i] === '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return line + ':' + col;
}

/** Parses Brainfuck source; every character but the eight commands is a comment. */
export function parseProgram(path: string, source: string): Program {
  const ops: number[] = [];
  const args: number[] = [];
  const srcPos: number[] = [];
  const open: number[] = []; // indices of the `[` ops not closed yet
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    let op = -1;
    let arg = 0;
    let pos = i;
    if (c === '+') {
      op = OP_ADD;
      arg = 1;
    } else if (c === '-') {
      op = OP_ADD;
      arg = -1;
    } else if (c === '>') {
      op = OP_MOVE;
      arg = 1;
    } else if (c === '<') {
      op = OP_MOVE;
      arg = -1;
    } else if (c === '.') {
      op = OP_OUT;
    } else if (c === ',') {
      op = OP_IN;
    } else if (c === '[') {
      open.push(ops.length);
      op = OP_JZ;
    } else if (c === ']') {
      if (open.length === 0) throw new BfError(path + ':' + lineCol(source, i) + ": unmatched ']'");
      const start = open[open.length - 1];
      open.pop();
      const last = ops.length - 1;
      if (last === start + 1 && ops[last] === OP_ADD && (args[last] === 1 || args[last] === -1)) {
        // `[-]` / `[+]`: replace the `[` and the add by one clear op.
        pos = srcPos[start];
        for (let k = 0; k < 2; k++) {
          ops.pop();
          args.pop();
          srcPos.pop();
        }
        op = OP_CLEAR;
      } else {
        args[start] = ops.length;
        op = OP_JNZ;
        arg = start;
      }
    }
    if (op < 0) continue;
    const prev = ops.length - 1;
    if ((op === OP_ADD || op === OP_MOVE) && prev >= 0 && ops[prev] === op) {
      args[prev] += arg; // extend the run
      continue;
    }
    ops.push(op);
    args.push(arg);
    srcPos.push(pos);
  }
  if (open.length > 0) {
    const at = srcPos[open[open.length - 1]];
    throw new BfError(path + ':' + lineCol(source, at) + ": unmatched '['");
  }
  return new Program(path, source, ops, args, srcPos);
}

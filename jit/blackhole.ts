// The blackhole interpreter: runs jitcodes on plain values to finish the guest
// bytecode that compiled code (or an aborted trace) left in the middle, up to
// the next merge point of the portal, where the normal interpreter takes over.
//
// It only interprets the frames it is given (rebuilt from resume data); calls it
// makes itself run the real JS functions, which are equivalent and faster.
// Frames are outermost first; frames[0] runs the portal. Every frame but the
// innermost sits at its call instruction, waiting for the callee's result.

import type { FieldDescr } from './ir/descr.js';
import { opInfo } from './ir/ops.js';
import type { FrameSnapshot, ResumeSnapshot } from './resume/snapshot.js';
import type { Insn, JitCode } from './jitcode.js';

export interface BlackholeFrame {
  readonly code: JitCode;
  pc: number;
  readonly regs: unknown[];
}

export type BlackholeResult =
  | { readonly kind: 'merge'; readonly greens: unknown[]; readonly reds: unknown[] }
  | { readonly kind: 'return'; readonly value: unknown };

export interface BlackholeHooks {
  quasiImmutableWritten(descr: FieldDescr): void;
  /** Runs the portal from a merge point (greens, reds) and returns what it returns: a guest call traced into. */
  callPortal(greens: unknown[], reds: unknown[]): unknown;
}

/** Rebuilds interpreter frames from a guard's resume data and its failArg values. */
export function framesFromSnapshot(snapshot: ResumeSnapshot, values: readonly unknown[]): BlackholeFrame[] {
  return snapshot.frames.map((f: FrameSnapshot) => {
    const regs = new Array<unknown>(f.code.numRegs);
    for (let k = 0; k < f.regs.length; k++) regs[f.regs[k]] = values[f.values[k]];
    return { code: f.code, pc: f.pc, regs };
  });
}

/**
 * Runs until the portal frame reaches a merge point or returns. `pending` is an
 * exception thrown by the innermost frame's instruction at pc - 1 (a call whose
 * guard_no_exception failed). Exceptions leaving the portal frame propagate.
 */
export function blackhole(frames: BlackholeFrame[], pending: { value: unknown } | null, hooks: BlackholeHooks): BlackholeResult {
  let exc = pending;
  if (exc) frames[frames.length - 1].pc -= 1;
  for (;;) {
    if (exc) {
      const thrown = exc.value;
      exc = null;
      unwind(frames, thrown);
    }
    try {
      const r = run(frames, hooks);
      if (r) return r;
    } catch (e) {
      exc = { value: e };
    }
  }
}

function unwind(frames: BlackholeFrame[], thrown: unknown): void {
  while (frames.length > 0) {
    const f = frames[frames.length - 1];
    const h = f.code.handlerAt(f.pc);
    if (h) {
      if (h.reg >= 0) f.regs[h.reg] = thrown;
      f.pc = h.target;
      return;
    }
    frames.pop();
  }
  throw thrown;
}

/** Runs frames until a result; an exception escapes with the faulting frame's pc intact. */
function run(frames: BlackholeFrame[], hooks: BlackholeHooks): BlackholeResult | null {
  let f = frames[frames.length - 1];
  let regs = f.regs;
  const code = () => f.code;
  const val = (o: number): unknown => (o >= 0 ? regs[o] : code().consts[-1 - o]);
  for (;;) {
    const insn: Insn = f.code.insns[f.pc];
    switch (insn.k) {
      case 'op': {
        const args = insn.args.map(val);
        const r = opInfo(insn.op).run!(args, insn.descr);
        if (insn.dst >= 0) regs[insn.dst] = r;
        f.pc++;
        break;
      }
      case 'call': {
        const r = (insn.descr.fn as (...a: unknown[]) => unknown)(...insn.args.map(val));
        if (insn.dst >= 0) regs[insn.dst] = r;
        f.pc++;
        break;
      }
      case 'inline':
      case 'invoke': {
        const residual = insn.k === 'inline' ? insn.callee.residual! : insn.targets.residual;
        const r = (residual.fn as (...a: unknown[]) => unknown)(...insn.args.map(val));
        if (insn.dst >= 0) regs[insn.dst] = r;
        f.pc++;
        break;
      }
      case 'move': regs[insn.dst] = val(insn.src); f.pc++; break;
      case 'goto': f.pc = insn.target; break;
      case 'branch': f.pc = val(insn.cond) ? f.pc + 1 : insn.target; break;
      case 'promote': case 'enter': f.pc++; break;
      case 'jitted': regs[insn.dst] = true; f.pc++; break;
      case 'qiread': regs[insn.dst] = (val(insn.obj) as Record<string, unknown>)[insn.descr.name]; f.pc++; break;
      case 'qiwrite': hooks.quasiImmutableWritten(insn.descr); f.pc++; break;
      case 'merge': {
        const greens = insn.greens.map(val);
        const reds = insn.reds.map(val);
        if (frames.length === 1) return { kind: 'merge', greens, reds };
        // An inlined guest call (the portal called by itself): the portal finishes it.
        frames.pop();
        f = frames[frames.length - 1];
        regs = f.regs;
        const value = hooks.callPortal(greens, reds);
        const call = f.code.insns[f.pc];
        if ((call.k === 'inline' || call.k === 'invoke') && call.dst >= 0) regs[call.dst] = value;
        f.pc++;
        break;
      }
      case 'throw': throw val(insn.value);
      case 'return': {
        const value = insn.value === null ? null : val(insn.value);
        frames.pop();
        if (frames.length === 0) return { kind: 'return', value };
        f = frames[frames.length - 1];
        regs = f.regs;
        const call = f.code.insns[f.pc];
        if ((call.k === 'inline' || call.k === 'invoke') && call.dst >= 0) regs[call.dst] = value;
        f.pc++;
        break;
      }
    }
  }
}

// Register liveness over a jitcode: live[pc] is the set of registers read at or
// after pc before being written. Resume data saves only these, so guards carry
// few values. Exceptional edges count: an instruction inside a try region may
// continue at its handler.

import type { InsnJSON } from './bundle.js';

function uses(insn: InsnJSON): number[] {
  switch (insn.k) {
    case 'op': case 'call': case 'inline': case 'invoke': return insn.args;
    case 'move': return [insn.src];
    case 'branch': return [insn.cond];
    case 'return': return insn.value === null ? [] : [insn.value];
    case 'throw': return [insn.value];
    case 'promote': return [insn.reg];
    case 'merge': case 'enter': return [...insn.greens, ...insn.reds];
    case 'qiread': return [insn.obj];
    case 'goto': case 'jitted': case 'qiwrite': return [];
  }
}

/** The register an instruction writes, or -1. */
export function defOf(insn: InsnJSON): number {
  switch (insn.k) {
    case 'op': case 'call': case 'inline': case 'invoke': case 'move': case 'jitted': case 'qiread': return insn.dst;
    default: return -1;
  }
}

/** The instructions that may run next (exceptional edges aside). */
export function successorsOf(insn: InsnJSON, pc: number): number[] {
  switch (insn.k) {
    case 'goto': return [insn.target];
    case 'branch': return [pc + 1, insn.target];
    case 'return': case 'throw': return [];
    default: return [pc + 1];
  }
}

export function computeLiveness(
  insns: readonly InsnJSON[],
  handlers: readonly { start: number; end: number; target: number; reg: number }[],
): number[][] {
  const n = insns.length;
  const live: Set<number>[] = [];
  for (let i = 0; i <= n; i++) live.push(new Set());
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const insn = insns[pc];
      const out = new Set<number>();
      for (const s of successorsOf(insn, pc)) for (const r of live[s] ?? []) out.add(r);
      for (const h of handlers) {
        if (pc >= h.start && pc < h.end) for (const r of live[h.target]) if (r !== h.reg) out.add(r);
      }
      const d = defOf(insn);
      if (d >= 0) out.delete(d);
      for (const u of uses(insn)) if (u >= 0) out.add(u);
      if (out.size !== live[pc].size) {
        live[pc] = out;
        changed = true;
      }
    }
  }
  return live.slice(0, n).map((s) => [...s].sort((a, b) => a - b));
}

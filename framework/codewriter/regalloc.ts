// Register allocation for a jitcode: registers whose values are never needed at
// the same time share one (RPython's codewriter colors its graphs the same way).
// The function writer gives every local and temporary its own register; a
// dispatch loop then has thousands, and every tracer frame and blackhole frame
// is an array of that many slots: rebuilding the portal's frame at a guard
// failure zeroed a 2000-slot array.
//
// Interference: a register written by an instruction conflicts with every other
// register live after it; parameters, and registers read before any write (their
// value is undefined from entry), are all written at entry; a handler's exception
// register is written at the handler. Only registers of one kind share.

import type { Kind } from '../../jit/ir/ops.js';
import type { InsnJSON } from './bundle.js';
import { computeLiveness, defOf, successorsOf } from './liveness.js';

export interface Handler {
  start: number;
  end: number;
  target: number;
  reg: number;
}

export interface Allocated {
  readonly insns: InsnJSON[];
  readonly params: number[];
  readonly kinds: Kind[];
  readonly handlers: Handler[];
  readonly live: number[][];
}

export function allocateRegisters(
  insns: readonly InsnJSON[],
  params: readonly number[],
  kinds: readonly Kind[],
  handlers: readonly Handler[],
): Allocated {
  const live = computeLiveness(insns, handlers);
  const n = kinds.length;
  const conflicts: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const conflict = (a: number, b: number) => {
    if (a === b) return;
    conflicts[a].add(b);
    conflicts[b].add(a);
  };
  const writtenWhileLive = (d: number, liveAfter: Iterable<number>) => {
    for (const r of liveAfter) conflict(d, r);
  };
  // Entry writes every parameter and leaves every register read before a write undefined.
  const atEntry = [...new Set([...params, ...(live[0] ?? [])])];
  for (const a of atEntry) writtenWhileLive(a, atEntry);
  for (let pc = 0; pc < insns.length; pc++) {
    const d = defOf(insns[pc]);
    if (d < 0) continue;
    const after = new Set<number>();
    for (const s of successorsOf(insns[pc], pc)) for (const r of live[s] ?? []) after.add(r);
    for (const h of handlers) if (pc >= h.start && pc < h.end) for (const r of live[h.target]) after.add(r);
    writtenWhileLive(d, after);
  }
  for (const h of handlers) if (h.reg >= 0) writtenWhileLive(h.reg, live[h.target]);

  // Greedy coloring, lowest free color of the register's kind.
  const color = new Array<number>(n).fill(-1);
  const colorKinds: Kind[] = [];
  for (let r = 0; r < n; r++) {
    const taken = new Set<number>();
    for (const o of conflicts[r]) if (color[o] >= 0) taken.add(color[o]);
    let c = 0;
    while (c < colorKinds.length && (colorKinds[c] !== kinds[r] || taken.has(c))) c++;
    if (c === colorKinds.length) colorKinds.push(kinds[r]);
    color[r] = c;
  }

  const reg = (o: number) => (o >= 0 ? color[o] : o);
  const regs = (os: readonly number[]) => os.map(reg);
  const renamed = insns.map((insn): InsnJSON => {
    switch (insn.k) {
      case 'op': case 'call': case 'inline': case 'invoke': return { ...insn, args: regs(insn.args), dst: reg(insn.dst) };
      case 'move': return { ...insn, src: reg(insn.src), dst: reg(insn.dst) };
      case 'branch': return { ...insn, cond: reg(insn.cond) };
      case 'return': return insn.value === null ? insn : { ...insn, value: reg(insn.value) };
      case 'throw': return { ...insn, value: reg(insn.value) };
      case 'promote': return { ...insn, reg: reg(insn.reg) };
      case 'jitted': return { ...insn, dst: reg(insn.dst) };
      case 'merge': case 'enter': return { ...insn, greens: regs(insn.greens), reds: regs(insn.reds) };
      case 'qiread': return { ...insn, obj: reg(insn.obj), dst: reg(insn.dst) };
      case 'goto': case 'qiwrite': return insn;
    }
  });
  const renamedHandlers = handlers.map((h) => ({ ...h, reg: reg(h.reg) }));
  const renamedLive = computeLiveness(renamed, renamedHandlers);
  // Self-check: no two registers live at one point may have been given one color.
  for (let pc = 0; pc < live.length; pc++) {
    if (new Set(live[pc].map(reg)).size !== live[pc].length) throw new Error(`register allocation: two live registers share one at ${pc}`);
  }
  return { insns: renamed, params: regs(params), kinds: colorKinds, handlers: renamedHandlers, live: renamedLive };
}

// Test support, not part of the interpreter (the subset rules do not apply here):
// a fast-check arbitrary of random Brainfuck programs that always terminate.
//
// Termination by construction: every loop is emitted as
//   [-] +++ [ > BODY <<< - ]
// i.e. its counter cell is first set to a small number, the body starts one
// cell to the right and only ever touches cells right of the counter (so only
// the trailing `-` changes it), and the body returns to the counter before the
// `-`. Loops nest up to MAX_DEPTH deep, so a program does at most
// MAX_COUNT^MAX_DEPTH turns of any body. Pointer moves are clamped so the
// pointer never leaves cells 0..MAX_CELL.

import fc from 'fast-check';

const MAX_COUNT = 7;
const MAX_DEPTH = 3;
const MAX_CELL = 40;

type Node =
  | { readonly k: 'add'; readonly n: number }
  | { readonly k: 'move'; readonly n: number }
  | { readonly k: 'out' }
  | { readonly k: 'in' }
  | { readonly k: 'clear'; readonly up: boolean }
  | { readonly k: 'comment'; readonly text: string }
  | { readonly k: 'loop'; readonly count: number; readonly body: readonly Node[] };

const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node; block: Node[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -300, max: 300 }).map((n): Node => ({ k: 'add', n })),
    fc.integer({ min: -5, max: 5 }).map((n): Node => ({ k: 'move', n })),
    fc.constant<Node>({ k: 'out' }),
    fc.constant<Node>({ k: 'in' }),
    fc.boolean().map((up): Node => ({ k: 'clear', up })),
    fc.constantFrom('x', ' ', '\n', 'note ', '#\n').map((text): Node => ({ k: 'comment', text })),
    fc
      .record({ count: fc.integer({ min: 0, max: MAX_COUNT }), body: tie('block') })
      .map((r): Node => ({ k: 'loop', count: r.count, body: r.body })),
  ),
  block: fc.array(tie('node'), { maxLength: 6 }),
})).node;

/** Emits `nodes` with the pointer at `pos`; never goes left of `min`. Returns the end position. */
function render(nodes: readonly Node[], pos: number, min: number, depth: number, out: string[]): number {
  for (const node of nodes) {
    switch (node.k) {
      case 'add':
        out.push((node.n < 0 ? '-' : '+').repeat(Math.abs(node.n)));
        break;
      case 'move':
        pos = moveTo(pos, Math.min(MAX_CELL, Math.max(min, pos + node.n)), out);
        break;
      case 'out':
        out.push('.');
        break;
      case 'in':
        out.push(',');
        break;
      case 'clear':
        out.push(node.up ? '[+]' : '[-]');
        break;
      case 'comment':
        out.push(node.text);
        break;
      case 'loop':
        // Too deep, or no room right of the counter: emit the body alone.
        if (depth >= MAX_DEPTH || pos >= MAX_CELL) {
          pos = render(node.body, pos, min, depth, out);
          break;
        }
        out.push('[-]' + '+'.repeat(node.count) + '[>');
        moveTo(render(node.body, pos + 1, pos + 1, depth + 1, out), pos, out);
        out.push('-]');
        break;
    }
  }
  return pos;
}

function moveTo(from: number, to: number, out: string[]): number {
  out.push(to > from ? '>'.repeat(to - from) : '<'.repeat(from - to));
  return to;
}

/** Random valid, always-terminating Brainfuck programs (program text). */
export function programArbitrary(): fc.Arbitrary<string> {
  return fc.array(nodeArb, { maxLength: 12 }).map((nodes) => {
    const out: string[] = [];
    render(nodes, 0, 0, 0, out);
    return out.join('');
  });
}

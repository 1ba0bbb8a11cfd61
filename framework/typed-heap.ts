// The typed heap: one WebAssembly.Memory per process that compiled code reads
// and writes with plain loads and stores. It holds the wasm backend's exit
// slots (the first SLOT_BYTES) and, after them, an arena where the interpreter's
// typed arrays are allocated while a JIT is running: the loader turns
// `new Uint8Array(n)` (and the other integer and float typed arrays) in
// interpreter code into `typedArray(Uint8Array, n)`, so a trace that indexes
// such an array needs no call into JS (~10 ns each) for an item.
//
// The memory never grows: growing would detach every view handed out. When
// the arena is full (or no backend created the heap: JIT off) typedArray
// returns an ordinary array, which compiled code accesses through JS as before.
// Arena memory is never reused: the arena is for the few long-lived arrays of
// an interpreter (a tape, a register file), not a general allocator.

const PAGE = 65536;
/** Exit slots and the words before them (see wasm-backend/runtime.ts). */
export const SLOT_BYTES = 64 * PAGE;
const ARENA_BYTES = 60 * PAGE * 16;
export const HEAP_PAGES = (SLOT_BYTES + ARENA_BYTES) / PAGE;

/** Element kinds compiled code can load and store (0: not in the arena). */
export const VIEW_KINDS = ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array'] as const;

const G = globalThis as unknown as Record<string, unknown>;
/** Kind by constructor (exact built-in constructors only). */
const KIND = new Map<unknown, number>(VIEW_KINDS.map((name, k) => [G[name], k + 1]));

export interface TypedHeap {
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
}

let heap: TypedHeap | null = null;
let next = SLOT_BYTES;

/** The process's typed heap, made on first use (by the wasm backend). */
export function typedHeap(): TypedHeap {
  if (heap === null) {
    const memory = new WebAssembly.Memory({ initial: HEAP_PAGES, maximum: HEAP_PAGES });
    heap = { memory, buffer: memory.buffer };
  }
  return heap;
}

type TypedArrayCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => unknown;

/**
 * `new C(n)` for a typed-array constructor, in the arena when there is a heap
 * and room. Same items, length and behaviour; only `buffer`/`byteOffset` differ.
 */
export function typedArray(C: TypedArrayCtor & { BYTES_PER_ELEMENT?: number }, n: unknown): unknown {
  const size = C.BYTES_PER_ELEMENT;
  if (heap !== null && size !== undefined && KIND.has(C) && typeof n === 'number' && Number.isInteger(n) && n >= 0) {
    const at = Math.ceil(next / 8) * 8;
    if (at + n * size <= heap.buffer.byteLength) {
      next = at + n * size;
      return new C(heap.buffer, at, n);
    }
  }
  return new (C as unknown as new (n: unknown) => unknown)(n);
}

/** What compiled code needs to index an array directly (see viewOf). */
export class View {
  constructor(readonly kind: number, readonly base: number, readonly length: number) {}
}

const NOT_IN_HEAP = new View(0, 0, 0);
/** The last array viewOf answered for: loops look at the same array again and again. */
let lastArray: unknown = null;
let lastView = NOT_IN_HEAP;

/**
 * The kind (1 + index in VIEW_KINDS), byte offset and length of a typed-heap
 * array; kind 0 for anything else.
 */
export function viewOf(a: unknown): View {
  if (a === lastArray) return lastView;
  let v = NOT_IN_HEAP;
  if (heap !== null && ArrayBuffer.isView(a) && a.buffer === heap.buffer) {
    const kind = KIND.get(Object.getPrototypeOf(a)?.constructor);
    if (kind !== undefined) v = new View(kind, a.byteOffset, (a as unknown as { length: number }).length);
  }
  lastArray = a;
  lastView = v;
  return v;
}

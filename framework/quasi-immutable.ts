// Writes of quasi-immutable fields from plain interpreter code. The loader wraps
// each such write in `quasiImmutableWritten(value, "Class.field")`; every JIT
// runtime listening invalidates the compiled loops that folded that field.
//
// Process-wide by nature, like the fields themselves: one listener set.

type Listener = (key: string) => void;

const listeners = new Set<Listener>();

/** Called by instrumented interpreter code after the write; returns the written value. */
export function quasiImmutableWritten<T>(value: T, key: string): T {
  for (const l of listeners) l(key);
  return value;
}

/** Registers a listener; returns a function that removes it. */
export function onQuasiImmutableWrite(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** How many runtimes listen (a test checks that reloading an interpreter does not add up). */
export function listenerCount(): number {
  return listeners.size;
}

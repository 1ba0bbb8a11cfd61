// The backends the JIT can compile to, by name (`--backend=NAME`).

import type { Backend, BackendOptions } from './backend.js';
import { RefBackend } from './backend-ref/ref-backend.js';
import { WasmBackend } from '../wasm-backend/wasm-backend.js';

export const BACKENDS: Readonly<Record<string, (options: BackendOptions) => Backend>> = {
  ref: (options) => new RefBackend(options),
  wasm: (options) => new WasmBackend(options),
};

export const BACKEND_NAMES = Object.keys(BACKENDS);

// The backend contract (jit/backend.ts), on the reference backend and on the
// wasm backend with either encoder: every backend must behave the same.

import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { WasmBackend } from '../../wasm-backend/wasm-backend.js';
import { backendContractTests } from '../support/backend-contract.js';

backendContractTests('ref', (options) => new RefBackend(options));
backendContractTests('wasm', (options) => new WasmBackend(options));
backendContractTests('wasm (binaryen encoder)', (options) => new WasmBackend({ ...options, encoder: 'binaryen', validate: true }), { agree: 100, forced: 50 });

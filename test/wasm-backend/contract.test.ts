// Every test of test/backend-ref/ref-backend.test.ts, on the reference backend
// (the copy in backend-contract.ts still says what the original says) and on
// the wasm backend with either encoder (which must say the same).

import { RefBackend } from '../../jit/backend-ref/ref-backend.js';
import { WasmBackend } from '../../wasm-backend/wasm-backend.js';
import { backendContractTests } from './backend-contract.js';

backendContractTests('ref', (options) => new RefBackend(options), { agree: 50, forced: 20 });
backendContractTests('wasm', (options) => new WasmBackend(options));
backendContractTests('wasm (binaryen encoder)', (options) => new WasmBackend({ ...options, encoder: 'binaryen', validate: true }), { agree: 100, forced: 50 });

// The public API of metajit for interpreter authors: `import { JitDriver, promote } from 'metajit'`.
export { JitDriver, promote, weAreJitted } from './driver.js';
export type { JitDriverSpec } from './driver.js';
export { hostWrite, hostWriteError, hostReadFile, hostReadFileBytes, HostError } from './host.js';

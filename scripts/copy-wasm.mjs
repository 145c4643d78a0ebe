// Copies the compiled .wasm files to dist/wasm/ (after tsc, which starts from an empty dist/):
// the package exports them as steepest/steepest.simd.wasm and steepest/steepest.scalar.wasm
// for sites that serve them and pass them to ready({ simd, scalar }).
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/wasm', { recursive: true });
for (const build of ['simd', 'scalar', 'threads']) copyFileSync(`build/steepest.${build}.wasm`, `dist/wasm/steepest.${build}.wasm`);

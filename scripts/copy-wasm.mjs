// Copies the compiled .wasm files into dist/wasm/ (exported as steepest/steepest.*.wasm) for
// sites that serve them and pass ready({ simd, scalar }); the embedded copies need nothing.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const files = ['build/steepest.simd.wasm', 'build/steepest.scalar.wasm'];
mkdirSync('dist/wasm', { recursive: true });
for (const file of files) copyFileSync(file, path.join('dist/wasm', path.basename(file)));
console.log(`copied ${files.length} wasm builds to dist/wasm/`);

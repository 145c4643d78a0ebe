// Rewrites, in place, every v128.const whose lanes repeat one 32- or 64-bit value as a
// scalar constant and a splat: `f32x4.splat(c)` in AssemblyScript becomes an 18-byte
// v128.const under Binaryen, and the splat form takes 4 to 11 bytes. The SIMD build holds
// hundreds (polynomial coefficients, zeros): about 4 KB saved. V8 compiles both forms
// alike: a constant's splat is hoisted to the function's entry as the constant is.
// Only the code section changes (build/*.wat still shows asc's output); the result is
// validated before it is written.
// Usage: node scripts/splat-constants.mjs build/steepest.simd.wasm
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const input = readFileSync(file);
const { bytes, rewritten } = splatConstants(input);
if (!WebAssembly.validate(bytes)) throw new Error(`${file}: the rewritten module does not validate`);
writeFileSync(file, bytes);
console.log(`${file}: ${rewritten} v128.const as splats, ${input.length} -> ${bytes.length} bytes`);

function splatConstants(buf) {
  let p = 0;
  const u32 = () => {
    let r = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[p++];
      r += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return r;
    }
  };
  const skip = (count = 1) => {
    for (let i = 0; i < count; i++) while (buf[p++] & 0x80);
  };
  let rewritten = 0;

  /** One function body from p to end, with each repeating v128.const replaced. */
  function body(end) {
    const parts = [];
    let from = p;
    for (let groups = u32(); groups > 0; groups--) { skip(); p++; } // local declarations: count, type
    while (p < end) {
      const at = p;
      const op = buf[p++];
      if (op === 0x02 || op === 0x03 || op === 0x04) { // block, loop, if: empty, a value type or a type index
        if (buf[p] === 0x40 || (buf[p] >= 0x6f && buf[p] <= 0x7f)) p++;
        else skip();
      } else if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x26) || op === 0x41 || op === 0x42 || op === 0xd2) {
        skip();
      } else if (op === 0x0e) skip(u32() + 1); // br_table
      else if (op === 0x11 || (op >= 0x28 && op <= 0x3e)) skip(2); // call_indirect; loads and stores (memarg)
      else if (op === 0x1c) p += u32(); // typed select
      else if (op === 0x3f || op === 0x40 || op === 0xd0) p++;
      else if (op === 0x43) p += 4;
      else if (op === 0x44) p += 8;
      else if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b ||
        (op >= 0x45 && op <= 0xc4) || op === 0xd1) {
        // no immediates
      } else if (op === 0xfc) {
        const sub = u32();
        if (sub <= 7) { /* trunc_sat */ } else if (sub === 10 || sub === 12 || sub === 14) skip(2);
        else if (sub === 8) { skip(); p++; } else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) skip();
        else throw new Error(`${file}: unknown instruction 0xfc ${sub} at byte ${at}`);
      } else if (op === 0xfd) {
        const sub = u32();
        if (sub <= 11 || sub === 92 || sub === 93) skip(2); // loads and stores (memarg)
        else if (sub === 12) {
          const splat = splatOf(buf.subarray(p, p + 16));
          p += 16;
          if (splat && splat.length < p - at) {
            if (at > from) parts.push(buf.subarray(from, at));
            parts.push(Buffer.from(splat));
            from = p;
            rewritten++;
          }
        } else if (sub === 13) p += 16; // i8x16.shuffle
        else if (sub >= 21 && sub <= 34) p++; // extract_lane, replace_lane
        else if (sub >= 84 && sub <= 91) { skip(2); p++; } // load_lane, store_lane
        // every other SIMD instruction has no immediates
      } else if (op === 0xfe) { // threads (the threaded build): atomic.fence has a zero byte, every other a memarg
        if (u32() === 3) p++;
        else skip(2);
      } else throw new Error(`${file}: unknown instruction 0x${op.toString(16)} at byte ${at}`);
    }
    if (end > from) parts.push(buf.subarray(from, end));
    return Buffer.concat(parts);
  }

  const out = [buf.subarray(0, 8)];
  p = 8;
  while (p < buf.length) {
    const start = p;
    const id = buf[p++];
    const end = u32() + p;
    if (id !== 10) { out.push(buf.subarray(start, end)); p = end; continue; }
    const bodies = [];
    for (let count = u32(); count > 0; count--) {
      const size = u32();
      const fn = body(p + size);
      bodies.push(Buffer.from(uleb(fn.length)), fn);
    }
    const content = Buffer.concat([Buffer.from(uleb(bodies.length / 2)), ...bodies]);
    out.push(Buffer.from([10, ...uleb(content.length)]), content);
  }
  return { bytes: Buffer.concat(out), rewritten };
}

/** The shortest scalar constant and splat for these 16 bytes, or null when the lanes differ. */
function splatOf(v) {
  const w = [0, 4, 8, 12].map((o) => v.readUInt32LE(o));
  if (w[0] === w[1] && w[1] === w[2] && w[2] === w[3]) {
    const asInt = [0x41, ...sleb(BigInt(w[0] | 0)), 0xfd, 17]; // i32.const; i32x4.splat
    const asFloat = [0x43, ...v.subarray(0, 4), 0xfd, 19]; // f32.const; f32x4.splat
    return asInt.length <= asFloat.length || Number.isNaN(v.readFloatLE(0)) ? asInt : asFloat;
  }
  if (w[0] === w[2] && w[1] === w[3]) {
    const asInt = [0x42, ...sleb(v.readBigInt64LE(0)), 0xfd, 18]; // i64.const; i64x2.splat
    const asFloat = [0x44, ...v.subarray(0, 8), 0xfd, 20]; // f64.const; f64x2.splat
    return asInt.length <= asFloat.length || Number.isNaN(v.readDoubleLE(0)) ? asInt : asFloat;
  }
  return null;
}

function uleb(n) {
  const b = [];
  do {
    let x = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) x |= 0x80;
    b.push(x);
  } while (n);
  return b;
}

function sleb(n) {
  const b = [];
  for (;;) {
    const x = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(x & 0x40)) || (n === -1n && x & 0x40)) return [...b, x];
    b.push(x | 0x80);
  }
}

// MurmurHash3, x86 32-bit variant (Austin Appleby's MurmurHash3_x86_32), over a string's
// UTF-8 bytes: the hash scikit-learn's HashingVectorizer and FeatureHasher use
// (sklearn.utils.murmurhash3_32 with positive=False), so hashed features match theirs.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// A string's UTF-8 bytes are written here, then hashed: one reused buffer, no encoder call per token.
let scratch = new Uint8Array(256);

/** The signed 32-bit MurmurHash3_x86_32 of key's UTF-8 bytes (a lone surrogate counts as U+FFFD, as TextEncoder writes it). */
export function murmurhash3(key: string, seed = 0): number {
  if (3 * key.length > scratch.length) scratch = new Uint8Array(3 * key.length + 256); // 3 bytes per UTF-16 unit at most
  const b = scratch;
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      b[n++] = c;
    } else if (c < 0x800) {
      b[n++] = 0xc0 | (c >> 6);
      b[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const next = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          b[n++] = 0xf0 | (c >> 18);
          b[n++] = 0x80 | ((c >> 12) & 63);
          b[n++] = 0x80 | ((c >> 6) & 63);
          b[n++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      b[n++] = 0xe0 | (c >> 12);
      b[n++] = 0x80 | ((c >> 6) & 63);
      b[n++] = 0x80 | (c & 63);
    }
  }
  return murmurhash3Bytes(b, n, seed);
}

/** The signed 32-bit MurmurHash3_x86_32 of bytes[0..length). */
export function murmurhash3Bytes(bytes: Uint8Array, length = bytes.length, seed = 0): number {
  let h = seed | 0;
  const end = length & ~3;
  for (let i = 0; i < end; i += 4) {
    h ^= scramble(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const left = length & 3;
  if (left > 0) {
    let tail = bytes[end];
    if (left > 1) tail |= bytes[end + 1] << 8;
    if (left > 2) tail |= bytes[end + 2] << 16;
    h ^= scramble(tail);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

// MurmurHash3, x86 32-bit variant (Austin Appleby's MurmurHash3_x86_32), over a string's
// UTF-8 bytes: the hash scikit-learn's HashingVectorizer and FeatureHasher use
// (sklearn.utils.murmurhash3_32 with positive=False), so hashed features match theirs.
// The bytes are produced on the fly: no encoder call or buffer per token.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The signed 32-bit MurmurHash3_x86_32 of key's UTF-8 bytes (a lone surrogate counts as U+FFFD, as TextEncoder writes it). */
export function murmurhash3(key: string, seed = 0): number {
  let h = seed | 0;
  let block = 0; // bytes not yet mixed, little-endian
  let length = 0; // bytes so far
  const push = (byte: number): void => {
    block |= byte << ((length & 3) << 3);
    length++;
    if ((length & 3) === 0) {
      h ^= scramble(block);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
      block = 0;
    }
  };
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      push(c);
    } else if (c < 0x800) {
      push(0xc0 | (c >> 6));
      push(0x80 | (c & 63));
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const next = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          push(0xf0 | (c >> 18));
          push(0x80 | ((c >> 12) & 63));
          push(0x80 | ((c >> 6) & 63));
          push(0x80 | (c & 63));
          continue;
        }
        c = 0xfffd;
      }
      push(0xe0 | (c >> 12));
      push(0x80 | ((c >> 6) & 63));
      push(0x80 | (c & 63));
    }
  }
  if ((length & 3) !== 0) h ^= scramble(block);
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

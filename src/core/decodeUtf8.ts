/** The outcome of decoding a file's bytes. */
export type Utf8Result =
  | { kind: "ok"; text: string }
  /** `line`/`column` are 1-based; the column counts characters as the editor shows them. */
  | { kind: "invalid"; offset: number; line: number; column: number };

// One shared decoder each: TextDecoder construction is not free and files come by the thousand.
const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/**
 * Decodes UTF-8 strictly (a leading BOM is dropped). On failure it finds the first byte that
 * starts an ill-formed sequence, so the user can be pointed at the exact line and column instead
 * of "somewhere in the file".
 */
export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  try {
    return { kind: "ok", text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    // The bytes before the bad one on its line are valid, so they decode to what the editor shows.
    let prefix = lenient.decode(bytes.subarray(lineStart, offset));
    if (line === 1 && prefix.startsWith("\uFEFF")) prefix = prefix.slice(1);
    return { kind: "invalid", offset, line, column: prefix.length + 1 };
  }
}

/** Index of the first byte of the first ill-formed sequence (per RFC 3629), or `bytes.length`. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    // [trailing bytes, allowed range of the second byte]; the range excludes overlongs and surrogates.
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) [need, lo] = [2, 0xa0];
    else if (c === 0xed) [need, hi] = [2, 0x9f];
    else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c === 0xf0) [need, lo] = [3, 0x90];
    else if (c === 0xf4) [need, hi] = [3, 0x8f];
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else return i;
    // A sequence cut off by the end of the file is as bad as a wrong byte.
    if (i + need >= bytes.length) return i;
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const b = bytes[i + k] as number;
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

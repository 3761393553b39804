/**
 * Collects a stream's bytes but keeps only the last `capBytes`: when a command floods its output, the
 * end (where the error usually is) matters more than the start. Memory stays bounded by the cap
 * plus one chunk.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** True once any byte was dropped. */
  truncated = false;

  constructor(private readonly capBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.capBytes) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.capBytes;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /** The kept bytes as UTF-8; a character cut in half by the cap is dropped rather than garbled. */
  text(): string {
    let bytes = Buffer.concat(this.chunks, this.size);
    if (this.truncated) {
      // Skip UTF-8 continuation bytes (10xxxxxx) left at the front by the cut.
      let start = 0;
      while (start < bytes.length && start < 3 && ((bytes[start] as number) & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
    }
    return bytes.toString("utf8");
  }
}

import { describe, expect, it } from "vitest";
import { TailBuffer } from "../../src/adapters/ssh/tailBuffer.js";

describe("TailBuffer", () => {
  it("keeps everything under the cap", () => {
    const b = new TailBuffer(10);
    b.push(Buffer.from("abc"));
    b.push(Buffer.from("def"));
    expect([b.text(), b.truncated]).toEqual(["abcdef", false]);
  });

  it("keeps the last bytes across chunk boundaries once over the cap", () => {
    const b = new TailBuffer(5);
    for (const chunk of ["abc", "defg", "h", "ijklmnop"]) b.push(Buffer.from(chunk));
    expect([b.text(), b.truncated]).toEqual(["lmnop", true]);
  });

  it("drops a multi-byte character cut in half at the front instead of garbling it", () => {
    const b = new TailBuffer(4);
    b.push(Buffer.from("x☃yz")); // ☃ is 3 bytes: the cap of 4 keeps its last 2, plus "yz"
    expect(b.text()).toBe("yz");
  });
});

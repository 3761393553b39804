import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  FRAME_INCOMPLETE_EXIT,
  frameScript,
  REMOTE_COMMAND,
} from "../../src/adapters/ssh/remoteBootstrap.js";

/**
 * Runs the bootstrap as sshd would (login shell -c, own session) and feeds it `input`. A cut frame
 * is followed by EOF, as when the connection drops; a whole one keeps stdin open, as the executor does.
 */
function runLocally(
  input: Buffer,
  whole = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("setsid", ["bash", "-c", REMOTE_COMMAND], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => {
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    });
    if (whole) child.stdin.write(input);
    else child.stdin.end(input);
  });
}

describe("remote bootstrap", () => {
  it("is one constant command line that no login shell could misread", () => {
    expect(REMOTE_COMMAND).toMatch(/^exec sh -c '[^'\\\n]*'$/);
  });

  it("never runs any part of a frame that was cut short", async () => {
    const frame = frameScript("echo first-line-ran\necho second-line-ran", "some data", 1);
    // Every possible cut: inside the header, the script, the data or the trailer.
    for (let cut = 0; cut < frame.length; cut++) {
      const r = await runLocally(frame.subarray(0, cut));
      expect({ cut, code: r.code, stdout: r.stdout }).toEqual({
        cut,
        code: FRAME_INCOMPLETE_EXIT,
        stdout: "",
      });
    }
    const whole = await runLocally(frame, true);
    expect(whole).toMatchObject({ code: 0, stdout: "first-line-ran\nsecond-line-ran\n" });
  }, 60_000);

  it("refuses NUL bytes, which a shell variable cannot carry", () => {
    expect(() => frameScript("echo a\0b", undefined, 1)).toThrow(/NUL/);
    expect(() => frameScript("cat", "a\0b", 1)).toThrow(/NUL/);
  });
});

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";

// Attack: a host (or whoever answers at its address) sends control characters in its SSH
// handshake, here in the key exchange names of its KEXINIT, which ssh2's debug output quotes.
// With `-vv` they reached the operator's terminal raw: an escape sequence can clear the screen,
// retitle the window or print a fake "succeeded" line over the real report.
const ESCAPE = "\x1b]0;owned\x07\x1b[2J\x1b[1A\rh1: succeeded";

/** SSH's name-list: uint32 length, then the names joined by commas. */
const nameList = (names: string) => {
  const b = Buffer.from(names, "latin1");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

/** An unencrypted SSH packet: length, padding length, payload, padding to a multiple of 8. */
function packet(payload: Buffer): Buffer {
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + pad);
  head.writeUInt8(pad, 4);
  return Buffer.concat([head, payload, Buffer.alloc(pad)]);
}

const kexinit = packet(
  Buffer.concat([
    Buffer.from([20]),
    Buffer.alloc(16, 7),
    nameList(`curve25519-sha256${ESCAPE}`),
    nameList("ssh-ed25519"),
    nameList("aes128-ctr"),
    nameList("aes128-ctr"),
    nameList("hmac-sha2-256"),
    nameList("hmac-sha2-256"),
    nameList("none"),
    nameList("none"),
    nameList(""),
    nameList(""),
    Buffer.from([0, 0, 0, 0, 0]),
  ]),
);

let server: Server;
let dir: string;
beforeAll(async () => {
  server = createServer((socket) => {
    socket.on("error", () => {});
    socket.write("SSH-2.0-OpenSSH_9.2\r\n");
    socket.write(kexinit);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(join(tmpdir(), "hostroot-escape-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "key")]);
  const port = (server.address() as { port: number }).port;
  writeFileSync(
    join(dir, "hostroot.yml"),
    `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: h1, address: 127.0.0.1, port: ${port}, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForTests }
`,
  );
});
afterAll(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("hostroot status -vv shows a host's handshake text with its control characters escaped", async () => {
  const r = await runCli(["status", "-vv", "--config", "hostroot.yml", "--key", join(dir, "key")], {
    cwd: dir,
  });
  expect(r.code).toBe(1);
  // The hostile name is there, for the operator to see, but as text.
  expect(r.stderr).toContain("curve25519-sha256\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\x0dh1: succeeded");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character but newline may remain
  expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(r.stderr).not.toMatch(/^h1: succeeded/m);
});

// Bundles the CLI (src/adapters/cli/main.ts) into build/cli/hostroot.cjs with esbuild and writes
// its V8 code cache beside it; bin/hostroot.js loads both (bin/loadCli.js). Run by
// `npm run build`, after tsc (whose build/ the App and the tests' tools use).
//
// Why: a command's start is mostly Node resolving, reading and compiling a few hundred modules
// one by one (zod, yaml, ssh2, commander and hostroot's own), and no host starts its work before
// that is done. One file, compiled once at build time, starts in about half the time.
// CommonJS, because Node 20 can use a code cache only for a script, not an ES module.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BUNDLE, loadCli } from "../bin/loadCli.js";
import { englishOnlyZod } from "./bundleOptions.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
rmSync(path.dirname(BUNDLE), { recursive: true, force: true });

/**
 * ssh2's optional native crypto, when it was built at install: required at run time from the
 * installed ssh2 package (a bundle cannot hold a compiled addon). Without it ssh2 falls back to
 * its JavaScript and Node's crypto, as it does unbundled.
 */
const ssh2NativeFromPackage = {
  name: "ssh2-native-from-package",
  setup(b) {
    b.onResolve({ filter: /[\\/]sshcrypto\.node$/ }, () => ({
      path: "ssh2/lib/protocol/crypto/build/Release/sshcrypto.node",
      external: true,
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ["src/adapters/cli/main.ts"],
  outfile: BUNDLE,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["cpu-features"],
  // Whitespace and syntax only: names stay, so a stack trace still names hostroot's functions.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  charset: "utf8",
  plugins: [englishOnlyZod, ssh2NativeFromPackage],
  logLevel: "warning",
});

// The code cache holds what V8 compiled: the modules' top level, and what a few commands ran.
// They run silently, in an empty directory, and touch nothing.
const cli = loadCli({ fresh: true });
const empty = mkdtempSync(path.join(tmpdir(), "hostroot-build-"));
try {
  const io = { stdout: () => {}, stderr: () => {}, env: {}, cwd: empty };
  for (const argv of [["--version"], ["validate"], ["upgrade-hosts", "--help"]])
    await cli.main(["node", "hostroot", ...argv], io);
} finally {
  rmSync(empty, { recursive: true, force: true });
}
cli.saveCache();

// Loads the CLI bundle (build/cli/hostroot.cjs, written by scripts/bundle-cli.mjs) with the V8
// code cache written beside it at build time.
//
// Why: no host starts its work before the CLI has started, so its start adds to every
// operation's wall time. Node 20 compiles a bundle from source on every run (it has no
// module.enableCompileCache), and compiling is most of the start. The cache is made once, at
// build time, into build/ — never at run time and never in a shared directory such as /tmp,
// where another user could plant one for root to run. It is used only when the SHA-256 of the
// bundle it was made from matches the bundle now (V8 itself only checks the source's length)
// and V8 accepts it (same V8 version and flags); otherwise the bundle is compiled from source,
// which is only slower.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

/** The CLI bundle. */
export const BUNDLE = fileURLToPath(new URL("../build/cli/hostroot.cjs", import.meta.url));
/** Its code cache: the bundle's SHA-256 (32 bytes), then V8's data. */
export const CODE_CACHE = `${BUNDLE}.cache`;

/**
 * Runs the bundle's module code and returns its `main`, whether the code cache was used, and
 * `saveCache()`, which writes the cache from all this process has compiled of the bundle so far
 * (the build calls it after a few commands ran; `fresh` ignores any cache there is).
 */
export function loadCli({ fresh = false } = {}) {
  const bytes = readFileSync(BUNDLE);
  const hash = createHash("sha256").update(bytes).digest();
  const source = bytes.toString("utf8");
  let cachedData;
  if (!fresh) {
    try {
      const cache = readFileSync(CODE_CACHE);
      if (cache.length > 32 && hash.equals(cache.subarray(0, 32))) cachedData = cache.subarray(32);
    } catch {
      // No cache (a build without one, or removed): compiled from source.
    }
  }
  // The wrapper CommonJS gives every module, on the bundle's first line: line numbers in stack
  // traces stay the bundle's own.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    cachedData,
    // import() inside the bundle (an optional dependency of a dependency) resolves as Node's own.
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script
    .runInThisContext()
    .call(module.exports, module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));
  return {
    main: module.exports.main,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    saveCache: () => writeFileSync(CODE_CACHE, Buffer.concat([hash, script.createCachedData()])),
  };
}

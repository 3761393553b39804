// esbuild settings shared by the two bundles: the GitHub Action (dist/, committed) and the CLI
// (build/cli/, built by `npm run build`).

/** For an ESM bundle: CommonJS dependencies (ssh2) still call require() and read __dirname. */
export const esmBanner = [
  'import { createRequire as __hostrootRequire } from "node:module";',
  'import { fileURLToPath as __hostrootPath } from "node:url";',
  "const require = __hostrootRequire(import.meta.url);",
  "const __filename = __hostrootPath(import.meta.url);",
  'const __dirname = __hostrootPath(new URL(".", import.meta.url));',
].join("\n");

/**
 * zod re-exports its error messages in some fifty languages as `z.locales`; hostroot only ever
 * uses English (the default zod sets at load). Bundled, the others are a quarter of a megabyte
 * that every start would compile for nothing.
 */
export const englishOnlyZod = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: "zod-locales", namespace: "zod-english-only", pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "../locales/en.js";\n',
      resolveDir: args.pluginData,
      loader: "js",
    }));
  },
};

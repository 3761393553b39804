// Bundles the GitHub Action (src/adapters/action/index.ts) into dist/index.js with esbuild, plus
// dist/licenses.txt for the packages inside it. The output is deterministic (no timestamps, paths
// relative to the repository), so test/action checks that the committed dist/ is up to date by
// bundling again into a temporary directory: node scripts/bundle-action.mjs --outdir DIR
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { englishOnlyZod, esmBanner } from "./bundleOptions.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const at = process.argv.indexOf("--outdir");
const outdir = path.resolve(at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : path.join(root, "dist"));
mkdirSync(outdir, { recursive: true });

// @actions/core reaches its HTTP client (undici, half a megabyte) only for getIDToken(), which
// hostroot never calls; GitHub API calls go through Octokit on Node's own fetch.
const noHttpClient = {
  name: "no-actions-http-client",
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, (args) => ({
      path: args.path,
      namespace: "stub",
    }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents:
        'const unused = () => { throw new Error("hostroot: no HTTP client in this bundle (OIDC tokens are not used)"); };\n' +
        "export class HttpClient { constructor() { unused(); } }\n" +
        "export class BearerCredentialHandler { constructor() { unused(); } }\n",
      loader: "js",
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/adapters/action/index.ts"],
  outfile: path.join(outdir, "index.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: esmBanner },
  // ssh2's optional native parts: without them it uses its pure-JavaScript crypto.
  external: ["*.node", "cpu-features"],
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  charset: "utf8",
  plugins: [noHttpClient, englishOnlyZod],
  metafile: true,
  logLevel: "warning",
});

// One entry per package bundled: name, version, licence, and its licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match && !packages.has(match[1])) packages.set(match[1], path.join(root, match[1]));
}
const entries = [...packages.values()]
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir)
      .sort()
      .find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file
      ? readFileSync(path.join(dir, file), "utf8").trim()
      : "(no licence file in the package)";
    return {
      id: `${pkg.name}@${pkg.version}`,
      license: pkg.license ?? pkg.licenses?.map((l) => l.type).join(" OR ") ?? "unknown",
      text,
    };
  })
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const unique = entries.filter((e, i) => i === 0 || entries[i - 1].id !== e.id);
writeFileSync(
  path.join(outdir, "licenses.txt"),
  `${unique.map((e) => `${e.id} (${e.license})\n\n${e.text}\n`).join(`\n${"-".repeat(72)}\n\n`)}`,
);

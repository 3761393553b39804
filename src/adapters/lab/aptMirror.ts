import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The Debian mirror this machine's apt already uses for `suite`, so the base root comes from the
 * same place as the machine's own packages (and from nowhere else). Reads deb822 `.sources`
 * files first, then one-line `sources.list` files. Undefined when none names the suite.
 */
export function aptMirror(suite: string, etcApt = "/etc/apt"): string | undefined {
  const dir = join(etcApt, "sources.list.d");
  const files = existsSync(dir)
    ? readdirSync(dir)
        .sort()
        .map((f) => join(dir, f))
    : [];
  for (const f of files.filter((f) => f.endsWith(".sources"))) {
    const found = fromDeb822(readFileSync(f, "utf8"), suite);
    if (found) return found;
  }
  for (const f of [join(etcApt, "sources.list"), ...files.filter((f) => f.endsWith(".list"))]) {
    if (!existsSync(f)) continue;
    const found = fromOneLine(readFileSync(f, "utf8"), suite);
    if (found) return found;
  }
  return undefined;
}

function fromDeb822(text: string, suite: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) =>
      stanza
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        ?.slice(name.length + 1)
        .trim()
        .split(/\s+/) ?? [];
    if (field("Enabled")[0]?.toLowerCase() === "no") continue;
    if (!field("Types").includes("deb") || !field("Suites").includes(suite)) continue;
    const uri = field("URIs").find((u) => /^https?:\/\//.test(u));
    if (uri) return uri;
  }
  return undefined;
}

function fromOneLine(text: string, suite: string): string | undefined {
  for (const raw of text.split("\n")) {
    const words = raw
      .replace(/#.*/, "")
      .replace(/\[[^\]]*\]/, "")
      .trim()
      .split(/\s+/);
    if (words[0] === "deb" && words[2] === suite && /^https?:\/\//.test(words[1] ?? "")) return words[1];
  }
  return undefined;
}

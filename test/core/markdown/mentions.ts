/**
 * The `@user` and `@org/team` mentions GitHub would find in a comment, for tests. Like GitHub, it
 * looks only at text: fenced code blocks, code spans and `<code>` elements are left out (GitHub
 * does not mention, link or notify inside code), entities are decoded first, and a mention is an
 * `@` that does not follow a letter, digit or `_` (so `user@example.com` is none), directly
 * followed by a letter or digit. Backslash escapes are read as CommonMark reads them, so an escaped
 * backtick does not open a code span that would hide what follows it.
 */
export function mentions(markdown: string): string[] {
  const text = decode(withoutCode(withoutFences(markdown)));
  return [...text.matchAll(/(?:^|[^A-Za-z0-9_])(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9][\w-]*)?)/g)].map(
    (m) => m[1] as string,
  );
}

function withoutFences(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const run = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (run !== undefined) fence = run;
      else out.push(line);
    } else if (
      run !== undefined &&
      run[0] === fence[0] &&
      run.length >= fence.length &&
      /^ {0,3}[`~]+\s*$/.test(line)
    )
      fence = undefined;
  }
  return out.join("\n");
}

function withoutCode(text: string): string {
  const noHtmlCode = text.replace(/<code>[\s\S]*?<\/code>/g, " ");
  let out = "";
  for (let i = 0; i < noHtmlCode.length; ) {
    const c = noHtmlCode[i] as string;
    if (c === "\\" && /[!-/:-@[-`{-~]/.test(noHtmlCode[i + 1] ?? "")) {
      out += noHtmlCode[i + 1];
      i += 2;
      continue;
    }
    if (c !== "`") {
      out += c;
      i++;
      continue;
    }
    const run = /^`+/.exec(noHtmlCode.slice(i))?.[0] as string;
    // A span closes at the next run of exactly the same length; without one the run is literal.
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
    close.lastIndex = i + run.length;
    const end = close.exec(noHtmlCode);
    if (end) {
      out += " ";
      i = end.index + run.length;
    } else {
      out += run;
      i += run.length;
    }
  }
  return out;
}

function decode(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../src/core/configSchema.js";
import { parseSlashCommand, type SlashCommandResult } from "../../src/core/parseSlashCommand.js";
import {
  formatSlashCommand,
  PACKAGE_NAME,
  SLASH_COMMANDS,
  type SlashCommand,
} from "../../src/core/slashCommands.js";

const parse = (body: string): SlashCommandResult => parseSlashCommand(body, {});

/** The reply's markdown, or a failure naming what came back instead. */
function replyOf(body: string): string {
  const result = parse(body);
  if (result.kind !== "reply")
    throw new Error(`expected a reply for ${JSON.stringify(body)}, got ${result.kind}`);
  return result.markdown;
}

/** Markdown with its code spans removed: what a reader sees rendered as markdown/HTML. */
function outsideCode(markdown: string): string {
  let out = "";
  let i = 0;
  while (i < markdown.length) {
    const run = /^`+/.exec(markdown.slice(i))?.[0];
    if (run === undefined) {
      out += markdown[i];
      i++;
      continue;
    }
    // The span closes at the next backtick run of exactly the same length.
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
    close.lastIndex = i + run.length;
    const m = close.exec(markdown);
    if (m === null) {
      out += run;
      i += run.length;
    } else {
      out += "<code>";
      i = m.index + run.length;
    }
  }
  return out.replaceAll("<code>", "CODE");
}

describe("parseSlashCommand: commands", () => {
  const cases: Array<[string, SlashCommand]> = [
    ["/upgrade-hosts libc6", { kind: "upgrade-hosts", packages: [{ name: "libc6" }], dryRun: false }],
    [
      "/upgrade-hosts libc6=2.36-9+deb12u4 openssl --platform debian-12 --hosts h1,h2 --dry-run",
      {
        kind: "upgrade-hosts",
        packages: [{ name: "libc6", version: "2.36-9+deb12u4" }, { name: "openssl" }],
        platform: "debian-12",
        hosts: ["h1", "h2"],
        dryRun: true,
      },
    ],
    [
      "/upgrade-hosts --platform=ubuntu-24.04 --hosts=a libstdc++6=1:14.2.0-4ubuntu2~24.04",
      {
        kind: "upgrade-hosts",
        packages: [{ name: "libstdc++6", version: "1:14.2.0-4ubuntu2~24.04" }],
        platform: "ubuntu-24.04",
        hosts: ["a"],
        dryRun: false,
      },
    ],
    [
      "/upgrade-hosts demo-libfoo=1.0 --allow-downgrade",
      {
        kind: "upgrade-hosts",
        packages: [{ name: "demo-libfoo", version: "1.0" }],
        dryRun: false,
        allowDowngrade: true,
      },
    ],
    ["/restart billing-api", { kind: "restart", target: { kind: "container", name: "billing-api" } }],
    ["/restart --all --host h1", { kind: "restart", target: { kind: "all" }, host: "h1" }],
    ["/restart web --host=h2", { kind: "restart", target: { kind: "container", name: "web" }, host: "h2" }],
    ["/status", { kind: "status" }],
    ["/status web-1", { kind: "status", name: "web-1" }],
    ["/affected openssl", { kind: "affected", package: "openssl" }],
    ["/plan", { kind: "plan" }],
    ["/deploy", { kind: "deploy" }],
    ["/cancel", { kind: "cancel" }],
    // Layout a user would still read as "a line of its own".
    ["Looks good to me.\n\n/deploy", { kind: "deploy" }],
    ["Thanks!\r\n\r\n/deploy\r\n\r\nCheers", { kind: "deploy" }],
    ["   /deploy   ", { kind: "deploy" }],
    ["/Deploy", { kind: "deploy" }],
    ["/status\u00a0web", { kind: "status", name: "web" }],
    ["```\n/deploy\n```\n/plan", { kind: "plan" }],
    ["> /deploy\n\n/plan", { kind: "plan" }],
    // The author's own line under a quote, though markdown would render it inside the quote.
    ["> can you ship it?\n/deploy", { kind: "deploy" }],
    ["<!-- /deploy -->\n/plan", { kind: "plan" }],
    ["/plan <!-- why: the PR changed -->", { kind: "plan" }],
    ["Use `<!--` to hide text.\n/plan", { kind: "plan" }],
    ["<details><summary>log</summary>\n\n/deploy\n</details>\n/plan", { kind: "plan" }],
    ["````\n```\n/deploy\n```\n````\n/plan", { kind: "plan" }],
    ["/usr/lib/x86_64-linux-gnu is where it lives\n/plan", { kind: "plan" }],
  ];
  it.each(cases)("%j", (body, command) => {
    expect(parse(body)).toEqual({ kind: "command", command });
  });
});

describe("parseSlashCommand: ignored comments", () => {
  const cases: Array<[string, string]> = [
    ["empty", ""],
    ["prose", "LGTM, ship it"],
    ["mid-sentence", "Once CI is green I will /deploy this."],
    ["inline code", "Type `/deploy` to ship."],
    ["block quote", "> /deploy"],
    ["nested quote", "> > /upgrade-hosts libc6"],
    ["backtick fence", "```\n/deploy\n```"],
    ["tilde fence", "~~~sh\n/deploy\n~~~"],
    ["unclosed fence runs to the end", "```\n/deploy\n\nmore text"],
    ["longer fence is not closed by a shorter one", "````\n```\n/deploy"],
    ["tilde fence is not closed by backticks", "~~~\n```\n/deploy\n"],
    ["fence in a list item", "- run:\n  ```\n  /deploy\n  ```"],
    ["fence opened on the list marker's line", "1. ```\n   /deploy\n   ```"],
    ["indented code", "    /deploy"],
    ["tab-indented code", "\t/deploy"],
    ["HTML comment", "<!-- /deploy -->"],
    ["multi-line HTML comment", "<!--\n/deploy\n-->"],
    ["unclosed HTML comment", "text <!-- draft\n/deploy"],
    ["details block", "<details>\n\n/deploy\n\n</details>"],
    ["HTML blockquote", "<blockquote>\n/deploy\n</blockquote>"],
    ["pre block", "<PRE>\n/deploy\n</PRE>"],
    ["paths", "/usr/lib/libc.so.6\n/etc/ssl/certs\n/home\n/var\n/opt/app\n/tmp/x"],
    ["a lone slash", "/\n/ deploy"],
    ["unrelated word", "/kubernetes is not involved"],
    ["other bots' commands", "/hold\n/start\n/lgtm\n/approve\n/assign @me\n/retest"],
    ["list item", "- /deploy"],
  ];
  it.each(cases)("%s", (_, body) => {
    expect(parse(body)).toEqual({ kind: "ignore" });
  });
});

describe("parseSlashCommand: usage replies name the bad token and run nothing", () => {
  const cases: Array<[string, string]> = [
    ["/upgrade-hosts libc6; rm -rf /", "`libc6;`"],
    ["/upgrade-hosts $(id)", "`$(id)`"],
    ["/upgrade-hosts `id`", "`` `id` ``"],
    ["/upgrade-hosts libc6 && x", "`&&`"],
    ["/upgrade-hosts libc6 | sh", "`|`"],
    ["/upgrade-hosts LIBC6", "`LIBC6`"],
    ["/upgrade-hosts -oDebug", "`-oDebug`"],
    ["/upgrade-hosts -- libc6", "`--`"],
    ["/upgrade-hosts libc6=../x", "`../x`"],
    ["/upgrade-hosts libc6=", "`libc6=`"],
    ["/upgrade-hosts a", "`a`"],
    ["/upgrade-hosts libc6 --hosts a,,b", "`a,,b`"],
    ["/upgrade-hosts libc6 --hosts ../x", "`../x`"],
    ["/upgrade-hosts libc6 --hosts a,a", "`a`"],
    ["/upgrade-hosts libc6 --platform", "`--platform`"],
    ["/upgrade-hosts libc6 --platform --dry-run", "`--platform`"],
    ["/upgrade-hosts libc6 --platform=", "`--platform`"],
    ["/upgrade-hosts libc6 --platform Debian", "`Debian`"],
    ["/upgrade-hosts libc6 --dry-run --dry-run", "`--dry-run`"],
    ["/upgrade-hosts libc6 --dry-run=yes", "`--dry-run`"],
    ["/upgrade-hosts libc6 --force", "`--force`"],
    ["/upgrade-hosts libc6 --dryrun", "`--dry-run`"],
    ["/upgrade-hosts libc6 libc6=2.36", "`libc6`"],
    ["/upgrade-hosts libc6 --allow-downgrade", "`--allow-downgrade`"],
    ["/upgrade-hosts libc6=1.0 --allow-downgrade=yes", "`--allow-downgrade`"],
    ["/upgrade-hosts libc\uff16", "`libc\\u{ff16}`"],
    ["/upgrade-hosts <img src=x onerror=alert(1)>", "`<img`"],
    ["/upgrade-hosts @octocat", "`@octocat`"],
    ["/restart", "`/restart NAME|--all [--host H]`"],
    ["/restart web --all", "`--all`"],
    ["/restart Web_1", "`Web_1`"],
    ["/restart web db", "`db`"],
    ["/restart --all --host h1;reboot", "`h1;reboot`"],
    ["/status a b", "`b`"],
    ["/affected libc6=2.36", "`libc6=2.36`"],
    ["/affected", "`/affected PKG`"],
    ["/deploy now", "`/deploy`"],
    ["/deploy --force", "`--force`"],
    ["/plan please", "`/plan`"],
    ["/deploy --constructor=x", "`--constructor`"],
    ["/upgrade-hosts libc6 --tostring", "`--tostring`"],
    [`/upgrade-hosts ${"a".repeat(300)}`, `\`${"a".repeat(60)}…\``],
  ];
  it.each(cases)("%j", (body, token) => {
    const markdown = replyOf(body);
    expect(markdown).toContain(token);
    expect(markdown).toContain("did not run anything");
  });

  it("refuses more than 50 packages", () => {
    const packages = Array.from({ length: 51 }, (_, i) => `pkg${i}`);
    expect(replyOf(`/upgrade-hosts ${packages.join(" ")}`)).toContain("at most 50 packages");
    expect(parse(`/upgrade-hosts ${packages.slice(0, 50).join(" ")}`).kind).toBe("command");
  });

  it("refuses an overlong command line", () => {
    const packages = Array.from({ length: 40 }, (_, i) => `package-${i}=${"1".repeat(100)}`);
    expect(replyOf(`/upgrade-hosts ${packages.join(" ")}`)).toContain("over 4000 characters");
  });

  it("gives the usage of the command it answered", () => {
    expect(replyOf("/upgrade-hosts")).toContain(SLASH_COMMANDS["upgrade-hosts"].usage);
    expect(replyOf("/status ../x")).toContain(SLASH_COMMANDS.status.usage);
  });
});

describe("parseSlashCommand: other replies", () => {
  it.each([
    ["/upgrade-host libc6", "/upgrade-hosts"],
    ["/upgrade libc6", "/upgrade-hosts"],
    ["/deplyo", "/deploy"],
    ["/stauts", "/status"],
    ["/restar web", "/restart"],
    ["/deploy,", "/deploy"],
  ])("%j gets a did-you-mean for %s", (body, meant) => {
    const markdown = replyOf(body);
    expect(markdown).toContain(`Did you mean \`${meant}\`?`);
  });

  it("answers two commands with one-command-per-comment, listing both", () => {
    const markdown = replyOf("/deploy\nand then\n/restart --all");
    expect(markdown).toContain("exactly one command per comment");
    expect(markdown).toContain("line 1: `/deploy`");
    expect(markdown).toContain("line 3: `/restart --all`");
  });

  it("runs nothing when a valid command line sits next to an invalid one", () => {
    const markdown = replyOf("/upgrade-hosts libc6\r\n/upgrade-hosts LIBC6;id");
    expect(markdown).toContain("2 command lines");
    expect(markdown).toContain("`/upgrade-hosts LIBC6;id`");
  });

  it("counts a near-miss line as a second command too", () => {
    expect(replyOf("/plan\n/deplyo")).toContain("2 command lines");
  });

  it("lists at most five lines of a comment full of commands", () => {
    const markdown = replyOf("/deploy\n".repeat(1000));
    expect(markdown).toContain("1000 command lines");
    expect(markdown).toContain("and 995 more");
  });

  it.each([
    ["fullwidth slash", "\uff0fdeploy", "\\u{ff0f}"],
    ["division slash", "\u2215deploy", "\\u{2215}"],
    ["zero-width space", "/dep\u200bloy", "\\u{200b}"],
    ["zero-width joiner before the slash", "\u200d/deploy", "\\u{200d}"],
    ["byte order mark", "\ufeff/upgrade-hosts libc6", "\\u{feff}"],
  ])("refuses a %s in a command line and shows it", (_, body, shown) => {
    const markdown = replyOf(body);
    expect(markdown).toContain("invisible or look-alike characters");
    expect(markdown).toContain(shown);
  });

  it("answers /help with a table of every command's usage", () => {
    const markdown = replyOf("/help");
    expect(markdown).toContain("| Command | What it does |");
    for (const name of COMMAND_NAMES) {
      expect(markdown).toContain(SLASH_COMMANDS[name].usage.replaceAll("|", "\\|"));
    }
  });

  it("says in /help who may run each command by default: triage for the commands that reach hosts", () => {
    const rows = replyOf("/help").split("\n");
    const need = (usage: string) =>
      rows
        .find((r) => r.includes(usage))
        ?.split(" | ")
        .at(-1);
    expect(need("/status [NAME]")).toBe("triage |");
    expect(need("/affected PKG")).toBe("triage |");
    expect(need("`/plan`")).toBe("triage |");
    expect(need("`/help`")).toBe("read |");
    expect(need("/upgrade-hosts PKG")).toBe("admin |");
    // Pinned versions work, so /help offers them.
    expect(need("/upgrade-hosts PKG[=VERSION]... [--allow-downgrade]")).toBe("admin |");
  });

  it("signs replies with the bot's name, but only a plain one", () => {
    expect(parseSlashCommand("/deplyo", { botName: "fleetbot" })).toMatchObject({
      markdown: expect.stringContaining("**fleetbot**"),
    });
    expect(parseSlashCommand("/deplyo", { botName: "<b>x</b>" })).toMatchObject({
      markdown: expect.stringContaining("**hostroot**"),
    });
  });
});

describe("parseSlashCommand: properties", () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
  const pkg = fc.record(
    {
      name: fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,20}$/),
      version: fc.option(fc.stringMatching(/^([0-9]:)?[0-9][a-z0-9.+~]{0,8}(-[a-z0-9.+~]{1,5})?$/), {
        nil: undefined,
      }),
    },
    { requiredKeys: ["name"] },
  );
  const command: fc.Arbitrary<SlashCommand> = fc.oneof(
    fc.record(
      {
        kind: fc.constant("upgrade-hosts" as const),
        packages: fc.uniqueArray(pkg, { minLength: 1, maxLength: 50, selector: (p) => p.name }),
        platform: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,15}$/),
        hosts: fc.uniqueArray(label, { minLength: 1, maxLength: 10 }),
        dryRun: fc.boolean(),
      },
      { requiredKeys: ["kind", "packages", "dryRun"] },
    ),
    fc.record(
      {
        kind: fc.constant("restart" as const),
        target: fc.oneof(
          fc.constant({ kind: "all" as const }),
          label.map((name) => ({ kind: "container" as const, name })),
        ),
        host: label,
      },
      { requiredKeys: ["kind", "target"] },
    ),
    fc.record({ kind: fc.constant("status" as const), name: label }, { requiredKeys: ["kind"] }),
    fc.record({ kind: fc.constant("affected" as const), package: pkg.map((p) => p.name) }),
    fc.constantFrom<SlashCommand>({ kind: "plan" }, { kind: "deploy" }, { kind: "cancel" }),
  );
  const strip = (c: SlashCommand): SlashCommand => JSON.parse(JSON.stringify(c));

  it("reads back every command it can format, amid prose and CRLF", () => {
    fc.assert(
      fc.property(command, fc.constantFrom("\n", "\r\n"), (c, eol) => {
        const body = ["Please:", "", formatSlashCommand(c), "", "Thanks"].join(eol);
        expect(parse(body)).toEqual({ kind: "command", command: strip(c) });
      }),
    );
  });

  it("never lets an unchecked token through, and echoes it only inside code", () => {
    // Mostly markdown, HTML and shell punctuation around plausible words, plus arbitrary code points.
    const punctuation = fc.constantFrom(
      ..."<>@#`*_[]()&;|$\\!\"'~=-+.,:/%{}^?",
      "\u200b",
      "\uff0f",
      "\u0430",
    );
    const hostile = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom(..."abclibc6-=.+~:019,"),
          punctuation,
          fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
        ),
        maxLength: 80,
      })
      .filter((s) => !/\s/.test(s));
    fc.assert(
      fc.property(
        hostile,
        fc.constantFrom("/upgrade-hosts", "/restart", "/status", "/affected"),
        (token, name) => {
          const result = parse(`${name} ${token}`);
          if (result.kind === "command") {
            const c = result.command;
            if (c.kind === "upgrade-hosts") for (const p of c.packages) expect(p.name).toMatch(PACKAGE_NAME);
            expect(formatSlashCommand(c)).toBe(`${name} ${token}`.trim());
          } else if (result.kind === "reply") {
            // Outside code spans a reply holds only our own words: no HTML, mentions, links or emphasis.
            expect(outsideCode(result.markdown)).toMatch(/^[A-Za-z0-9 .,:;?()'\n*-]*$/);
          }
        },
      ),
    );
  });
});

describe("parseSlashCommand: large and hostile bodies stay fast", () => {
  const size = 100 * 1024;
  const bodies: Array<[string, string]> = [
    ["many prose lines, command last", `${"just some text here\n".repeat(size / 20)}/deploy`],
    ["one huge command line", `/upgrade-hosts ${"a ".repeat(size / 2)}`],
    ["one huge word", `/${"a".repeat(size)}`],
    ["unmatched backtick runs", Array.from({ length: 400 }, (_, i) => "`".repeat(i + 1)).join("x")],
    ["comment openers", "<!--".repeat(size / 4)],
    ["details openers", "<details".repeat(size / 8)],
    ["fence openers", "```\n~~~~\n".repeat(size / 8)],
    ["list markers", `${"- ".repeat(size / 2)}x`],
    ["paths", "/usr/lib/x\n".repeat(size / 11)],
    ["a command padded with spaces", `/deploy${" ".repeat(size)}x${" ".repeat(size)}`],
    ["NBSP padding", `/status${"\u00a0".repeat(size)}`],
  ];
  it.each(bodies)("%s", (_, body) => {
    const started = performance.now();
    const result = parse(body);
    // Generous: a quadratic scan of 100 KB takes many seconds; a linear one, milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(["ignore", "reply", "command"]).toContain(result.kind);
  });
});

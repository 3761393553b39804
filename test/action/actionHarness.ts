import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import examples from "@octokit/webhooks-examples";

/** The repository this test file lives in. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
/** Where definitions live in the example config (`policy.definitionsPath`). */
export const DEFS = "examples/containers";

/** A real webhook payload from @octokit/webhooks-examples (Codertocat/Hello-World, default branch master). */
export function examplePayload(
  event: string,
  pick: (p: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  const group = (examples as unknown as Array<{ name: string; examples: Record<string, unknown>[] }>).find(
    (e) => e.name === event,
  );
  const found = group?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example`);
  return structuredClone(found);
}

/** A temporary checkout laid out as a repository: `.github/hostroot.yml` and the example definitions. */
export interface Workspace {
  dir: string;
  write(file: string, text: string): void;
  read(file: string): string;
  /** Commits everything and records it as `origin/<branch>`, as a fetch of the default branch would. */
  commitAsDefaultBranch(branch?: string): void;
  cleanup(): void;
}

/** Copies examples/ into a fresh directory, optionally under `sub` (for working-directory). */
export function makeWorkspace(sub = ""): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), "hostroot-action-"));
  const repo = path.join(dir, sub);
  mkdirSync(path.join(repo, ".github"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "examples/hostroot.yml"), path.join(repo, ".github/hostroot.yml"));
  cpSync(path.join(REPO_ROOT, "examples/containers"), path.join(repo, DEFS), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      stdio: "pipe",
    });
  return {
    dir,
    write: (file, text) => {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), text);
    },
    read: (file) => readFileSync(path.join(repo, file), "utf8"),
    commitAsDefaultBranch(branch = "master") {
      git("init", "-q", "-b", branch);
      git("add", "-A");
      git("commit", "-q", "-m", "default branch");
      git("update-ref", `refs/remotes/origin/${branch}`, "HEAD");
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The files and variables a runner provides to a step. */
export interface RunnerFiles {
  env: Record<string, string>;
  outputs(): Record<string, string>;
  summary(): string;
}

/**
 * The environment a runner gives a JavaScript action: the event name and payload file, the
 * workspace, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and one INPUT_ variable per input
 * (name upper-cased, spaces to underscores, hyphens kept).
 */
export function runnerEnv(
  ws: Workspace,
  event: string,
  payload: Record<string, unknown>,
  inputs: Record<string, string> = {},
): RunnerFiles {
  const files = mkdtempSync(path.join(tmpdir(), "hostroot-runner-"));
  const at = (f: string) => path.join(files, f);
  writeFileSync(at("event.json"), JSON.stringify(payload));
  writeFileSync(at("output"), "");
  writeFileSync(at("summary"), "");
  const withDefaults = {
    config: ".github/hostroot.yml",
    command: "auto",
    "dry-run": "false",
    "working-directory": ".",
    ...inputs,
  };
  const env: Record<string, string> = {
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: at("event.json"),
    GITHUB_WORKSPACE: ws.dir,
    GITHUB_OUTPUT: at("output"),
    GITHUB_STEP_SUMMARY: at("summary"),
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    GITHUB_REPOSITORY_ID: "186853002",
    GITHUB_SHA: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    GITHUB_ACTOR: "Codertocat",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: "https://api.github.com",
    GITHUB_RUN_ID: "42",
  };
  for (const [name, value] of Object.entries(withDefaults))
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  return {
    env,
    outputs: () => parseOutputFile(readFileSync(at("output"), "utf8")),
    summary: () => readFileSync(at("summary"), "utf8"),
  };
}

/** GITHUB_OUTPUT's format: `name<<DELIMITER\nvalue\nDELIMITER\n` per output. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!m) continue;
    const [, name, delimiter] = m;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? "");
    out[name as string] = value.join("\n");
  }
  return out;
}

/** Runs the committed bundle as a runner does: `node dist/index.js` with only the runner's variables. */
export function runBundled(runner: RunnerFiles): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "dist/index.js")], {
    env: { PATH: process.env.PATH ?? "", ...runner.env },
    cwd: runner.env.GITHUB_WORKSPACE,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Workflow-command annotations on stdout, parsed: `::error file=F,line=L,...::message`. */
export function annotations(
  stdout: string,
): Array<{ level: string; file?: string; line?: number; message: string }> {
  return stdout
    .split("\n")
    .map((l) => /^::(error|warning|notice) ?([^:]*)::(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const props = Object.fromEntries(
        (m[2] ?? "")
          .split(",")
          .filter(Boolean)
          .map((p) => p.split("=", 2)),
      );
      return {
        level: m[1] as string,
        ...(props.file ? { file: decodeURIComponent(props.file) } : {}),
        ...(props.line ? { line: Number(props.line) } : {}),
        message: m[3] as string,
      };
    });
}

/** The 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found`);
  return i + 1;
}

/** An unencrypted RSA key in PEM, as a deploy-key secret would hold. */
export function deployKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/** `count` distinct loopback ports nothing listens on: connections to them are refused at once. */
export async function closedPorts(count: number): Promise<number[]> {
  // All bound at once so the kernel hands out distinct ports, then all closed.
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** The example pool with its hosts' sshd at 127.0.0.1 on `ports`, one each, in order. */
export function loopbackPool(config: string, ports: readonly number[]): string {
  let i = 0;
  return config.replace(
    /address: 192\.0\.2\.\d+/g,
    () => `address: 127.0.0.1\n          port: ${ports[i++]}`,
  );
}

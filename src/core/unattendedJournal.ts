import { z } from "zod";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import { DNS_LABEL } from "./definitionSchema.js";

/** Most bytes of the journal's last line a status reads (the script sends at most this much). */
export const JOURNAL_LINE_LIMIT = 65_536;

const time = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
const version = z.string().regex(/^(?:-|[A-Za-z0-9.+~:-]{1,128})$/);
const pkg = z.string().max(128).regex(DEBIAN_PACKAGE);
const words = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9 .,;:()/_+@-]*$/);

const containerSchema = z
  .object({
    name: z.string().max(63).regex(DNS_LABEL),
    /** clean: mapped nothing replaced; restarted; left: stale but not restarted; failed: its restart failed. */
    action: z.enum(["clean", "restarted", "left", "failed"]),
    healthy: z.boolean().optional(),
    sees: z
      .record(pkg, version)
      .refine((r) => Object.keys(r).length <= 500, "too many packages")
      .optional(),
    stale: z
      .array(
        z
          .object({
            pid: z.int().min(0).max(4_294_967_295),
            command: z
              .string()
              .max(64)
              .regex(/^[A-Za-z0-9._-]*$/),
            file: z
              .string()
              .max(512)
              .regex(/^[A-Za-z0-9._/+~-]*$/),
          })
          .strict(),
      )
      .max(20)
      .optional(),
    why: words(400).optional(),
    failedStep: z
      .string()
      .max(140)
      .regex(/^[a-z0-9.-]*$/)
      .optional(),
  })
  .strict();

const runSchema = z
  .object({
    v: z.literal(1),
    at: time,
    finishedAt: time,
    outcome: z.enum(["ok", "attention", "skipped"]),
    why: words(400).optional(),
    upgraded: z.array(z.object({ package: pkg, before: version, after: version }).strict()).max(2000),
    containers: z.array(containerSchema).max(2000),
  })
  .strict();

/** One run of the post-dpkg hook, as its journal line says (checked field by field). */
export type UnattendedRun = z.infer<typeof runSchema>;

/**
 * The last unattended run on a host: none recorded yet, a run, or a journal hostroot cannot read
 * (its reason names what was wrong, never the journal's bytes).
 */
export type UnattendedReport =
  | { kind: "none" }
  | { kind: "run"; run: UnattendedRun }
  | { kind: "unreadable"; reason: string };

/**
 * Reads the journal's last line as a host sent it. The journal is the host's output, so it is
 * hostile until checked: a line over {@link JOURNAL_LINE_LIMIT} bytes, not JSON, or not exactly
 * the shape the hook writes (bounded strings of known characters, bounded lists) is reported
 * `unreadable` with the reason, and nothing of it is used.
 */
export function parseUnattendedJournal(text: string): UnattendedReport {
  const line = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (line === "") return { kind: "none" };
  if (line.length >= JOURNAL_LINE_LIMIT)
    return { kind: "unreadable", reason: `its last line is ${JOURNAL_LINE_LIMIT} bytes or longer` };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: "unreadable", reason: "its last line is not JSON" };
  }
  const parsed = runSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue && issue.path.length > 0
        ? issue.path.map((k) => String(k).replace(/[^A-Za-z0-9_-]/g, "?")).join(".")
        : "the line";
    return {
      kind: "unreadable",
      reason: `its last line is not a hostroot journal entry (at ${where.slice(0, 80)})`,
    };
  }
  return { kind: "run", run: parsed.data };
}

import type { Workload } from "./fanoutWorkloads.js";

/** The timed runs of one tool on one workload with N hosts, in seconds. */
export interface Sample {
  hosts: number;
  tool: string;
  workload: Workload;
  seconds: number[];
}

/** The tools ratios are taken for: hostroot as a command-line run, and inside a running process. */
export const REFERENCES = ["hostroot", "hostroot (in-process)"] as const;
type Reference = (typeof REFERENCES)[number];

/** Targets on the trivial command: hostroot at most this fraction of the tool's median. */
const TARGETS: Array<{ tool: (name: string) => boolean; label: string; atMost: number }> = [
  { tool: (t) => t === "parallel-ssh", label: "parallel-ssh", atMost: 0.5 },
  { tool: (t) => t.startsWith("ansible"), label: "ansible", atMost: 0.25 },
];

/** Median of the runs (the lower middle one for an even count, so it is always a real run). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function referenceMedian(samples: readonly Sample[], s: Sample, reference: Reference): number | undefined {
  const ref = samples.find((r) => r.hosts === s.hosts && r.workload === s.workload && r.tool === reference);
  return ref ? median(ref.seconds) : undefined;
}

/** `reference`'s median over this row's median, or "-" on hostroot's own rows. */
function ratio(samples: readonly Sample[], s: Sample, reference: Reference): string {
  const ref = referenceMedian(samples, s, reference);
  if (s.tool.startsWith("hostroot") || ref === undefined) return "-";
  return `${(ref / median(s.seconds)).toFixed(2)}x`;
}

const secs = (x: number) => x.toFixed(2);

/**
 * The result table (Markdown): tool, workload, median, min, max, and hostroot's ratio to each tool,
 * as a command-line run and in-process.
 */
export function resultTable(samples: readonly Sample[], workloadLabel: (w: Workload) => string): string {
  const head = ["N", "tool", "workload", "median s", "min s", "max s", "hostroot ratio", "in-process ratio"];
  const rows = samples.map((s) => {
    return [
      String(s.hosts),
      s.tool,
      workloadLabel(s.workload),
      secs(median(s.seconds)),
      secs(Math.min(...s.seconds)),
      secs(Math.max(...s.seconds)),
      ratio(samples, s, "hostroot"),
      ratio(samples, s, "hostroot (in-process)"),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** One line per target and tool: hostroot's ratio on the trivial command, and whether it is met. */
export function targetLines(samples: readonly Sample[]): string[] {
  const lines: string[] = [];
  for (const s of samples) {
    if (s.workload !== "true") continue;
    const target = TARGETS.find((t) => t.tool(s.tool));
    if (!target) continue;
    for (const reference of REFERENCES) {
      const ref = referenceMedian(samples, s, reference);
      if (ref === undefined) continue;
      const r = ref / median(s.seconds);
      lines.push(
        `N=${s.hosts}: ${reference} <= ${target.atMost}x ${s.tool} on \`true\`: ${r.toFixed(2)}x ${r <= target.atMost ? "met" : "MISSED"}`,
      );
    }
  }
  return lines;
}

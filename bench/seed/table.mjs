// Prints the bench:seed table from runs.csv: per method the median (lower middle for an even
// count), min and max wall time, the ratio of the median to the limit's, and median CPU.
import { readFileSync } from "node:fs";

const [csvPath, hosts, containers, methodList] = process.argv.slice(2);
const rows = readFileSync(csvPath, "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(","));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const s = (ms) => (ms / 1000).toFixed(2);
const methods = methodList.split(/\s+/).filter(Boolean);
const stats = new Map(
  methods.map((m) => {
    const rs = rows.filter((r) => r[0] === m);
    const col = (i) => rs.map((r) => Number(r[i]));
    return [
      m,
      {
        n: rs.length,
        wall: median(col(2)),
        min: Math.min(...col(2)),
        max: Math.max(...col(2)),
        host: median(col(3)),
        client: median(col(4)),
      },
    ];
  }),
);
const limit = stats.get("limit")?.wall;
const what = {
  limit: "the script in every host at once, no SSH (the limit)",
  pssh: "parallel-ssh running that script on every host",
  "one-host": "the script in one host alone, no SSH",
  "hostroot-c0": "`hostroot upgrade-hosts`, canary 0",
  "hostroot-c1": "`hostroot upgrade-hosts`, canary 1",
  "base-c0": "`hostroot upgrade-hosts` of BASE (before), canary 0",
};
console.log(
  `${hosts} hosts x ${containers} containers, medians of ${Math.max(...[...stats.values()].map((x) => x.n))} verified runs`,
);
console.log("");
console.log("| method | wall s (median) | min | max | vs the limit | in-host CPU s | client CPU s |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const [m, x] of stats) {
  if (x.n === 0) continue;
  const ratio = limit ? `${(x.wall / limit).toFixed(2)}` : "-";
  console.log(
    `| ${what[m] ?? m} | ${s(x.wall)} | ${s(x.min)} | ${s(x.max)} | ${ratio} | ${s(x.host)} | ${s(x.client)} |`,
  );
}
const c0 = stats.get("hostroot-c0")?.wall;
const c1 = stats.get("hostroot-c1")?.wall;
const pssh = stats.get("pssh")?.wall;
const one = stats.get("one-host")?.wall;
if (limit && c0 !== undefined) {
  console.log("");
  const mark = (ok) => (ok ? "met" : "**missed**");
  console.log(
    `goal canary 0 <= 1.1x the limit (${s(1.1 * limit)} s): ${s(c0)} s, ${mark(c0 <= 1.1 * limit)}`,
  );
  if (pssh !== undefined)
    console.log(`goal canary 0 faster than parallel-ssh (${s(pssh)} s): ${mark(c0 < pssh)}`);
  if (c1 !== undefined && one !== undefined)
    console.log(
      `goal canary 1 <= 1.1x the limit + one host alone (${s(1.1 * limit + one)} s): ${s(c1)} s, ${mark(c1 <= 1.1 * limit + one)}`,
    );
}

// One plain closing line over the vitest projects' JSON reports, for readers that do not know
// vitest's summary: "N passed, N failed, N skipped". Usage: node scripts/summarize-tests.mjs A.json B.json
//
// Counting is stricter than vitest's own: a file that failed (a throwing beforeAll, an import
// error) has its tests reported as skipped by vitest; here they count as failed, and a file that
// failed before any test ran counts as one failure. With HOSTROOT_REQUIRE_LAB=1 (set by .ci/run)
// a skipped test is a failure too, so CI can never pass having run none of the root, SSH or lab
// paths. Exits 1 when anything failed.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";

const requireAll = process.env.HOSTROOT_REQUIRE_LAB === "1";
let passed = 0;
let failed = 0;
const skippedTests = [];
const problems = [];

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    failed++;
    problems.push(`no report ${file}: the project did not finish`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  for (const suite of report.testResults) {
    const name = relative(process.cwd(), suite.name);
    const tests = suite.assertionResults;
    const notRun = tests.filter((t) => t.status !== "passed" && t.status !== "failed");
    passed += tests.filter((t) => t.status === "passed").length;
    failed += tests.filter((t) => t.status === "failed").length;
    if (suite.status === "failed") {
      const hadFailure = tests.some((t) => t.status === "failed");
      if (notRun.length > 0) {
        failed += notRun.length;
        problems.push(
          `${name}: ${notRun.length} test(s) never ran because the file failed (a hook or import threw)`,
        );
      } else if (!hadFailure) {
        failed++;
        problems.push(
          `${name}: failed before any test ran${suite.message ? `: ${suite.message.split("\n")[0]}` : ""}`,
        );
      }
    } else {
      for (const t of notRun) skippedTests.push(`${name} > ${t.fullName}`);
    }
  }
}

for (const p of problems) console.log(p);
if (requireAll && skippedTests.length > 0) {
  console.log(`HOSTROOT_REQUIRE_LAB=1: ${skippedTests.length} skipped test(s) count as failures:`);
  for (const t of skippedTests) console.log(`  ${t}`);
  failed += skippedTests.length;
}
console.log(`${passed} passed, ${failed} failed, ${requireAll ? 0 : skippedTests.length} skipped`);
process.exit(failed > 0 ? 1 : 0);

#!/usr/bin/env node
// Reads the JSON report of "redocly lint --format=json" (one file) and prints one line per
// problem that is not ignored, then the totals. Exit 0 only with 0 errors and 0 warnings.
//   node tests/api/lint-report.mjs report.json resources/openapi.yaml
import { readFileSync } from "node:fs";

const [reportFile, label] = process.argv.slice(2);
let report;
try {
    report = JSON.parse(readFileSync(reportFile, "utf8"));
} catch (e) {
    console.log(`FAIL: ${label}: redocly lint gave no report: ${e.message}`);
    process.exit(1);
}
for (const p of report.problems || []) {
    if (p.ignored) continue;
    const location = (p.location || [])[0] || {};
    console.log(`FAIL: ${label} ${location.pointer || ""}: ${p.severity} ${p.ruleId}: ${p.message}`);
}
const t = report.totals || {};
console.log(`${label}: ${t.errors} error(s), ${t.warnings} warning(s), ${t.ignored} ignored (each with its reason in tests/api/.redocly.lint-ignore.yaml)`);
process.exit(t.errors === 0 && t.warnings === 0 ? 0 : 1);

#!/usr/bin/env node
// The ProblemCode enum of each OpenAPI file lists exactly the codes of the table in
// docs/api-conventions.md (section Codes). One line per difference; exit 0 when none.
//   node tests/api/check-problem-codes.mjs docs/api-conventions.md resources/openapi.yaml ...
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const fs = require("fs");
const yaml = require("js-yaml");
const [doc, ...specs] = process.argv.slice(2);
const table = fs.readFileSync(doc, "utf8").split("### Codes")[1].split("\n## ")[0];
const codes = [];
for (const line of table.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (/^[0-9]{3}$/.test(cells[1] || "")) for (const m of (cells[2] || "").matchAll(/`([a-z_]+)`/g)) codes.push(m[1]);
}
let bad = 0;
for (const spec of specs) {
    const e = ((yaml.load(fs.readFileSync(spec, "utf8")).components || {}).schemas || {}).ProblemCode;
    const listed = (e && e.enum) || [];
    const name = spec.replace(/.*\/resources\//, "resources/");
    for (const c of codes) if (!listed.includes(c)) { console.log(`FAIL: ${name}: ProblemCode lacks ${c} (docs/api-conventions.md lists it)`); bad = 1; }
    for (const c of listed) if (!codes.includes(c)) { console.log(`FAIL: ${name}: ProblemCode has ${c}, which docs/api-conventions.md does not list`); bad = 1; }
}
if (!bad) console.log(`ProblemCode: the ${codes.length} codes of docs/api-conventions.md in both files`);
process.exit(bad);

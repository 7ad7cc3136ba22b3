#!/usr/bin/env node
// Calls a running tf-gateway along a fixed tour of its routes and writes what it answered in
// the format of validate-answers.mjs (method, OpenAPI path template, status, content type,
// headers, parsed body). tests/api/record-answers.sh starts a scratch gateway for it.
//
//   node tests/api/record-answers.mjs --base http://127.0.0.1:5000 --password-file FILE --out answers.json
//
// FILE holds admin's initial password (the data directory's initial-admin-password); the
// tour changes it first (a new admin must). Needs Node 18 (fetch).
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
};
const base = opt("--base");
const passwordFile = opt("--password-file");
const outFile = opt("--out");
if (!base || !passwordFile || !outFile) {
    process.stderr.write("usage: record-answers.mjs --base URL --password-file FILE --out answers.json\n");
    process.exit(2);
}

const answers = [];
let token = "";

async function call(method, template, values = {}, { body, query = "", auth = true, headers = {}, rawBody } = {}) {
    let path = template;
    for (const [k, v] of Object.entries(values)) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
    const h = { ...headers };
    if (auth && token) h.Authorization = `Bearer ${token}`;
    let payload;
    if (rawBody !== undefined) payload = rawBody;
    else if (body !== undefined) {
        payload = JSON.stringify(body);
        if (!h["Content-Type"]) h["Content-Type"] = "application/json";
    }
    const response = await fetch(base + path + query, { method, headers: h, body: payload });
    const text = await response.text();
    const contentType = response.headers.get("content-type") || "";
    let parsed = null;
    if (text.length > 0 && /json/.test(contentType)) {
        try {
            parsed = JSON.parse(text);
        } catch {
            parsed = text;
        }
    } else if (text.length > 0) {
        parsed = null; // CSV, Prometheus text: the validator checks JSON bodies only
    }
    const recorded = {};
    response.headers.forEach((v, k) => {
        recorded[k.toLowerCase()] = v;
    });
    answers.push({ method, path: template, status: response.status, content_type: contentType, headers: recorded, body: parsed,
                   request: `${method} ${path}${query}` });
    return { status: response.status, body: parsed, headers: recorded };
}

const newPassword = "correct horse battery staple";
const work = mkdtempSync(join(tmpdir(), "tf-record-"));
try {
    await call("GET", "/health", {}, { auth: false });
    await call("GET", "/health/live", {}, { auth: false });
    await call("GET", "/health/ready", {}, { auth: false });
    await call("GET", "/api/status", {}, { auth: false }); // 401
    const initial = readFileSync(passwordFile, "utf8").trim();
    await call("POST", "/api/auth/login", {}, { auth: false, body: { username: "admin", password: "wrong password!" } });
    const login = await call("POST", "/api/auth/login", {}, { auth: false, body: { username: "admin", password: initial } });
    token = login.body?.token || "";
    await call("POST", "/api/auth/password", {}, { body: { current_password: initial, new_password: newPassword } });
    await call("GET", "/api/auth/me");
    await call("GET", "/api/status");
    // The node registry: this gateway and its tf-syncd with host, started_at and heartbeat_at.
    await call("GET", "/api/services");
    await call("GET", "/api/services", {}, { query: "?limit=1" });
    await call("GET", "/api/services/events");
    await call("GET", "/api/metrics");
    await call("GET", "/api/metrics", {}, { query: "?format=xml" });
    await call("GET", "/api/metrics/history", {}, { query: "?metric=cpu_percent" });
    await call("GET", "/api/metrics/history", {}, { query: "?metric=no_such_metric" });
    const feed = await call("GET", "/api/changes");
    if (typeof feed.body?.next_cursor === "string") await call("GET", "/api/changes", {}, { query: `?cursor=${encodeURIComponent(feed.body.next_cursor)}` });
    await call("GET", "/api/changes", {}, { query: "?cursor=bogus" });

    // systems
    writeFileSync(join(work, "a.csv"), "id,name\n1,one\n");
    const sysBody = { name: "CSV in", kind: "csv", description: "recorded", settings: { path: join(work, "a.csv") } };
    const sys = await call("POST", "/api/systems", {}, { body: sysBody });
    const sysId = sys.body?.id ?? 1;
    await call("POST", "/api/systems", {}, { body: sysBody }); // 409 name_taken
    await call("POST", "/api/systems", {}, { body: { name: 7 } }); // 422
    await call("POST", "/api/systems", {}, { rawBody: "{not json", headers: { "Content-Type": "application/json" } }); // 400
    await call("POST", "/api/systems", {}, { rawBody: "name=x", headers: { "Content-Type": "text/plain" } }); // 415
    const target = await call("POST", "/api/systems", {}, { body: { name: "CSV out", kind: "csv", settings: { path: join(work, "b.csv") } } });
    await call("GET", "/api/systems");
    await call("GET", "/api/systems", {}, { query: "?limit=1" });
    await call("GET", "/api/systems", {}, { query: "?limit=0" });
    await call("GET", "/api/systems", {}, { query: "?bogus=1" });
    const one = await call("GET", "/api/systems/{id}", { id: sysId });
    await call("GET", "/api/systems/{id}", { id: "abc" });
    await call("GET", "/api/systems/{id}", { id: 999999 });
    await call("PUT", "/api/systems/{id}", { id: sysId }, { body: sysBody, headers: one.headers.etag ? { "If-Match": one.headers.etag } : {} });
    await call("PUT", "/api/systems/{id}", { id: sysId }, { body: sysBody, headers: { "If-Match": "\"999\"" } });
    await call("PATCH", "/api/systems/{id}", { id: sysId }, { body: { description: "patched" }, headers: { "Content-Type": "application/merge-patch+json" } });
    await call("POST", "/api/systems/{id}/test", { id: sysId });
    await call("GET", "/api/systems/{id}/entities", { id: sysId });

    // sync pairs and operations
    const pairBody = {
        name: "recorded pair", source_system: sysId, target_system: target.body?.id ?? 2, mode: "full",
        entities: [{ name: "rows", source: { entity: "a", key: ["id"] }, target: { entity: "b", key: ["id"] },
                     mapping: { fields: [{ target: "id", source: "id" }, { target: "name", source: "name" }] } }],
    };
    const pair = await call("POST", "/api/sync-pairs", {}, { body: pairBody });
    const pairId = pair.body?.id ?? 1;
    await call("GET", "/api/sync-pairs");
    await call("GET", "/api/sync-pairs/{id}", { id: pairId });
    await call("PATCH", "/api/sync-pairs/{id}", { id: pairId }, { body: { schedule: null }, headers: { "Content-Type": "application/merge-patch+json" } });
    await call("POST", "/api/sync-pairs/{id}/test", { id: pairId });
    await call("POST", "/api/sync-pairs/{id}/disable", { id: pairId });
    await call("POST", "/api/sync-operations", {}, { body: { pair_id: pairId } }); // 409 pair_disabled
    await call("POST", "/api/sync-pairs/{id}/enable", { id: pairId });
    const start = await call("POST", "/api/sync-operations", {}, { body: { pair_id: pairId, dry_run: true }, headers: { "Idempotency-Key": "record-1" } });
    await call("POST", "/api/sync-operations", {}, { body: { pair_id: pairId, dry_run: true }, headers: { "Idempotency-Key": "record-1" } });
    await call("POST", "/api/sync-operations", {}, { body: { pair_id: pairId, dry_run: false }, headers: { "Idempotency-Key": "record-1" } });
    const opId = start.body?.id ?? 1;
    await new Promise((r) => setTimeout(r, 1500));
    await call("GET", "/api/sync-operations");
    await call("GET", "/api/sync-operations", {}, { query: `?pair_id=${pairId}&status=completed` });
    await call("GET", "/api/sync-operations/summary", {}, { query: "?bucket=day" });
    await call("GET", "/api/sync-operations/summary", {}, { query: "?bucket=week" }); // 400 invalid_parameter
    await call("GET", "/api/sync-operations/{id}", { id: opId });
    await call("GET", "/api/sync-operations/{id}/changes", { id: opId });
    await call("GET", "/api/sync-operations/{id}/logs", { id: opId });
    await call("GET", "/api/sync-operations/{id}/logs", { id: opId }, { query: "?after=1&limit=2" });
    await call("POST", "/api/sync-operations/{id}/cancel", { id: opId });
    await call("POST", "/api/sync-operations/{id}/retry", { id: opId });
    await call("POST", "/api/sync-pairs/{id}/verify", { id: pairId }, { body: { repair: false } });
    await call("GET", "/api/sync-pairs/{id}/quarantine", { id: pairId });
    await call("GET", "/api/quarantine/{id}", { id: 999999 });
    await call("GET", "/api/quarantine");
    await call("GET", "/api/quarantine", {}, { query: `?pair_id=${pairId}&status=all&created_after=2020-01-01T00:00:00Z&limit=2` });
    await call("GET", "/api/quarantine", {}, { query: "?created_before=yesterday" }); // 400
    await call("GET", "/api/quarantine/summary");
    await call("GET", "/api/alerts");
    await call("POST", "/api/alerts/{id}/acknowledge", { id: 999999 });

    // admin
    const backup = await call("POST", "/api/backups", {}, { body: { label: "recorded" } });
    await call("POST", "/api/backups", {}, { body: { label: "recorded" } });
    const jobId = backup.body?.id ?? backup.body?.job?.id ?? 1;
    await new Promise((r) => setTimeout(r, 1500));
    await call("GET", "/api/jobs/{id}", { id: jobId });
    await call("GET", "/api/jobs");
    const backups = await call("GET", "/api/backups");
    const list = backups.body?.items ?? backups.body?.backups ?? [];
    if (list.length > 0) await call("GET", "/api/backups/{name}", { name: list[0].name });
    await call("GET", "/api/backups/{name}", { name: "..evil" });
    const plan = await call("POST", "/api/recovery-plans", {}, { body: { scenario: "service_outage" } });
    await call("GET", "/api/recovery-plans");
    if (plan.body?.name) await call("GET", "/api/recovery-plans/{name}", { name: plan.body.name });
    await call("GET", "/api/maintenance");
    await call("GET", "/api/maintenance/runs", {}, { query: "?limit=5" });
    await call("GET", "/api/maintenance/runs/{id}", { id: 999999 });
    const user = await call("POST", "/api/users", {}, { body: { username: "recorder", password: newPassword, role: "viewer" } });
    await call("GET", "/api/users");
    if (user.body?.id) {
        await call("GET", "/api/users/{id}", { id: user.body.id });
        await call("PATCH", "/api/users/{id}", { id: user.body.id }, { body: { disabled: true }, headers: { "Content-Type": "application/merge-patch+json" } });
        await call("PUT", "/api/users/{id}", { id: user.body.id }, { body: { role: "auditor" } });
        await call("POST", "/api/users/{id}/password", { id: user.body.id }, { body: { password: newPassword + "!" } });
        await call("DELETE", "/api/users/{id}", { id: user.body.id });
    }
    const tok = await call("POST", "/api/tokens", {}, { body: { name: "recorded", role: "viewer" } });
    await call("GET", "/api/tokens");
    if (tok.body?.id) {
        const one = await call("GET", "/api/tokens/{id}", { id: tok.body.id });
        await call("DELETE", "/api/tokens/{id}", { id: tok.body.id }, { headers: one.headers.etag ? { "If-Match": one.headers.etag } : {} });
    }
    const audit = await call("GET", "/api/audit", {}, { query: "?limit=2" });
    await call("GET", "/api/audit/summary");
    await call("GET", "/api/audit/verify");
    const entry = (audit.body?.items ?? audit.body?.entries ?? [])[0];
    if (entry) await call("GET", "/api/audit/{id}", { id: entry.id });
    await call("DELETE", "/api/sync-pairs/{id}", { id: pairId });
    await call("DELETE", "/api/systems/{id}", { id: sysId });
    await call("POST", "/api/auth/logout");
} catch (e) {
    process.stderr.write(`record-answers: stopped early: ${e.stack || e}\n`);
}
writeFileSync(outFile, JSON.stringify(answers, null, 1) + "\n");
process.stderr.write(`record-answers: ${answers.length} answers written to ${outFile}\n`);

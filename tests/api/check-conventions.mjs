#!/usr/bin/env node
// Holds an OpenAPI description to the parts of docs/api-conventions.md that redocly's rules
// do not know:
//   - every request body and every 2xx answer with content has an example;
//   - every 4xx/5xx answer and "default" is application/problem+json with the Problem schema
//     (but the 503 of the health probes, which answer their own body);
//   - operations with a path parameter declare 400 and 404, with a body 400 and 415;
//     PUT, PATCH and DELETE take If-Match and declare 412;
//   - a list (a 2xx whose schema has items and next_cursor) takes limit and cursor and
//     answers Link, unless the operation says x-paging: none (a single page, next_cursor
//     always null) or x-paging: cursor-only (no limit);
//   - a single resource (a path ending in {id} or {name}) answers GET, PUT and PATCH with ETag;
//   - with --gateway: operations that need credentials declare 401, 403 and 429, and every
//     answer declares RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.
//
//   node tests/api/check-conventions.mjs [--gateway] openapi.yaml
// One line per problem: "METHOD path: what is missing". Exit 0 when none, 1 otherwise.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml");

const args = process.argv.slice(2);
const gateway = args.includes("--gateway");
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
    process.stderr.write("usage: check-conventions.mjs [--gateway] openapi.yaml\n");
    process.exit(2);
}
const doc = yaml.load(readFileSync(file, "utf8"));
const deref = (node) => {
    while (node && node.$ref) node = node.$ref.slice(2).split("/").reduce((n, p) => n?.[p.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    return node;
};
const problems = [];
const METHODS = ["get", "put", "patch", "post", "delete"];
const isList = (schema) => {
    const s = deref(schema);
    return !!(s && s.properties && s.properties.items && s.properties.next_cursor);
};

for (const [path, item] of Object.entries(doc.paths || {})) {
    const pathParams = (item.parameters || []).map(deref);
    for (const method of METHODS.filter((m) => item[m])) {
        const op = item[method];
        const where = `${method.toUpperCase()} ${path}`;
        const miss = (what) => problems.push(`${where}: ${what}`);
        const params = [...pathParams, ...(op.parameters || []).map(deref)];
        const responses = op.responses || {};
        const has = (code) => code in responses;
        const open = Array.isArray(op.security) && op.security.length === 0;

        for (const [mt, media] of Object.entries(op.requestBody ? deref(op.requestBody).content || {} : {})) {
            if (media.example === undefined && !media.examples) miss(`no example for the ${mt} request body`);
        }
        for (const [code, ref] of Object.entries(responses)) {
            const response = deref(ref);
            const content = response?.content || {};
            if (/^2/.test(code)) {
                for (const [mt, media] of Object.entries(content)) {
                    if (media.example === undefined && !media.examples) miss(`no example for the ${code} ${mt} answer`);
                }
            } else if (code === "503" && path.startsWith("/health")) {
                // the health probes answer their own JSON body with 503 (load balancers read it)
            } else if (/^[45]/.test(code) || code === "default") {
                const media = content["application/problem+json"];
                if (!media || Object.keys(content).length !== 1) miss(`${code} is not (only) application/problem+json`);
                else if (deref(media.schema) !== doc.components?.schemas?.Problem) miss(`${code} does not answer the Problem schema`);
            }
            if (gateway) {
                const headers = Object.keys(response?.headers || {});
                const lacking = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"].filter((h) => !headers.includes(h));
                if (lacking.length) miss(`${code} does not declare ${lacking.join(", ")}`);
            }
        }
        if (params.some((p) => p.in === "path")) {
            if (!has("400")) miss("a path parameter, but no 400 (invalid_id)");
            if (!has("404")) miss("a path parameter, but no 404");
        }
        if (params.some((p) => p.in === "query") && !has("400")) miss("query parameters, but no 400");
        if (op.requestBody) {
            if (!has("400")) miss("a body, but no 400 (bad_request)");
            if (!has("415")) miss("a body, but no 415");
        }
        if (["put", "patch", "delete"].includes(method)) {
            if (!params.some((p) => p.in === "header" && p.name === "If-Match")) miss("no If-Match parameter");
            if (!has("412")) miss("no 412");
        }
        if (method === "patch" && !deref(op.requestBody)?.content?.["application/merge-patch+json"])
            miss("PATCH does not take application/merge-patch+json");
        for (const [code, ref] of Object.entries(responses).filter(([c]) => /^2/.test(c))) {
            const response = deref(ref);
            const schema = response?.content?.["application/json"]?.schema;
            if (method === "get" && schema && isList(schema)) {
                // x-paging: none (one page, next_cursor always null) or cursor-only (no limit)
                const paging = op["x-paging"];
                if (paging !== undefined && paging !== "none" && paging !== "cursor-only") miss(`x-paging is "${paging}", not none or cursor-only`);
                const wanted = paging === "none" ? [] : paging === "cursor-only" ? ["cursor"] : ["limit", "cursor"];
                for (const name of wanted) if (!params.some((p) => p.in === "query" && p.name === name)) miss(`a list without the ${name} parameter`);
                if (paging !== "none" && !response.headers?.Link) miss(`the list answer ${code} does not declare Link`);
            }
            if (/\/\{(id|name)\}$/.test(path) && ["get", "put", "patch"].includes(method) && !response?.headers?.ETag)
                miss(`${code} of a single resource does not declare ETag`);
        }
        if (gateway && !open) for (const code of ["401", "403", "429"]) if (!has(code)) miss(`needs credentials, but no ${code}`);
        if (!open && !gateway && !has("401")) miss("needs the service token, but no 401");
    }
}

for (const p of problems) process.stdout.write(p + "\n");
process.stderr.write(`check-conventions: ${file.replace(/.*\/resources\//, "resources/")}: ${problems.length} problem(s)\n`);
process.exit(problems.length ? 1 : 0);

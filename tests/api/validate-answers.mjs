#!/usr/bin/env node
// Checks recorded answers of the API against the OpenAPI description.
//
//   node tests/api/validate-answers.mjs [--spec resources/openapi.yaml] [--strict] answers.json
//
// answers.json is an array of
//   {"method": "GET", "path": "/api/sync-pairs/{id}", "status": 200,
//    "content_type": "application/json", "body": <parsed JSON or null>,
//    "headers": {"etag": "\"7\"", ...}}
// where path is the OpenAPI path template of the route that answered (a path under /api/v1
// may be given as /api/v1/...: it is the same operation). For each answer the operation and
// its response (the status, else its range such as 4XX, else default) are looked up, the
// body is validated with ajv against the schema of its content type, and the headers that
// the response declares as required must be present. Each mismatch is one line:
//   METHOD path status: <where in the body> <what is wrong>
// --strict also reports members of an answer that the description does not name (where the
// schema does not say additionalProperties), e.g. a field the code still sends but the
// conventions dropped.
// Exit codes: 0 every answer matches, 1 some do not, 2 bad arguments or unreadable input.
// OpenAPI 3.1 schemas are JSON Schema 2020-12; a 3.0 description has nullable, boolean
// exclusiveMinimum/Maximum and example converted first.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
    if (message) process.stderr.write(`validate-answers: ${message}\n`);
    process.stderr.write("usage: validate-answers.mjs [--spec openapi.yaml] [--strict] answers.json\n");
    process.exit(2);
}

let specFile = resolve(here, "../../resources/openapi.yaml");
let strict = false;
const files = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; ++i) {
    if (args[i] === "--spec") {
        if (i + 1 >= args.length) usage("--spec needs a file");
        specFile = args[++i];
    } else if (args[i] === "--strict") {
        strict = true;
    } else if (args[i] === "-h" || args[i] === "--help") {
        usage();
    } else if (args[i].startsWith("-")) {
        usage(`unknown option ${args[i]}`);
    } else {
        files.push(args[i]);
    }
}
if (files.length !== 1) usage("give one answers file");

let spec;
let answers;
try {
    spec = yaml.load(readFileSync(specFile, "utf8"));
} catch (e) {
    usage(`cannot read ${specFile}: ${e.message}`);
}
try {
    answers = JSON.parse(readFileSync(files[0], "utf8"));
} catch (e) {
    usage(`cannot read ${files[0]}: ${e.message}`);
}
if (!Array.isArray(answers)) usage(`${files[0]} is not a JSON array`);

// --- OpenAPI 3.0 schemas as JSON Schema 2020-12 -------------------------------------------
const is30 = String(spec.openapi || "").startsWith("3.0");
function convert30(node) {
    if (Array.isArray(node)) return node.map(convert30);
    if (!node || typeof node !== "object") return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = convert30(v);
    if (out.nullable === true) {
        if (typeof out.type === "string") out.type = [out.type, "null"];
        else if (!out.type) out.anyOf = [{ ...out, nullable: undefined, anyOf: undefined }, { type: "null" }].map(clean);
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    }
    delete out.nullable;
    if (out.exclusiveMinimum === true) { out.exclusiveMinimum = out.minimum; delete out.minimum; }
    if (out.exclusiveMaximum === true) { out.exclusiveMaximum = out.maximum; delete out.maximum; }
    if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
    if (out.exclusiveMaximum === false) delete out.exclusiveMaximum;
    return out;
}
function clean(o) {
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    return o;
}
const components = is30 ? convert30(spec.components || {}) : spec.components || {};
const paths = is30 ? convert30(spec.paths || {}) : spec.paths || {};
const doc = { ...spec, components, paths };

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addFormat("password", true);
ajv.addSchema({ ...doc, $id: "openapi" }, "openapi");

// --- looking things up --------------------------------------------------------------------
const escape = (s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1");
function at(pointer) {
    let node = doc;
    for (const part of pointer.split("/").slice(1)) {
        node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return node;
}
// Follows $ref chains: [node, its JSON pointer].
function deref(node, pointer) {
    const seen = new Set();
    while (node && typeof node === "object" && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
        if (seen.has(node.$ref)) break;
        seen.add(node.$ref);
        pointer = node.$ref.slice(1);
        node = at(pointer);
    }
    return [node, pointer];
}

const validators = new Map();
function validatorFor(pointer) {
    if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `openapi#${pointer}` }));
    return validators.get(pointer);
}

function findPathItem(path) {
    if (paths[path]) return path;
    if (path.startsWith("/api/v1/") && paths["/api/" + path.slice(8)]) return "/api/" + path.slice(8);
    return null;
}

function mediaFor(content, contentType) {
    if (!content) return null;
    const base = String(contentType || "").split(";")[0].trim().toLowerCase();
    if (content[base]) return base;
    const [type] = base.split("/");
    if (content[`${type}/*`]) return `${type}/*`;
    if (content["*/*"]) return "*/*";
    return null;
}

// Members of value that the schema does not name, as "where member" strings (--strict).
// allOf parts are merged; of oneOf/anyOf the first branch the value validates against is
// followed; an object schema with additionalProperties (true or a schema) takes any member.
function undocumented(node, pointer, value, where, out, depth = 0) {
    [node, pointer] = deref(node, pointer);
    if (!node || typeof node !== "object" || depth > 40) return;
    if (Array.isArray(value)) {
        if (node.items) for (let i = 0; i < value.length; ++i) undocumented(node.items, `${pointer}/items`, value[i], `${where}/${i}`, out, depth + 1);
        for (const [k, list] of [["allOf", node.allOf], ["oneOf", node.oneOf], ["anyOf", node.anyOf]]) {
            if (!Array.isArray(list)) continue;
            list.forEach((part, i) => undocumented(part, `${pointer}/${k}/${i}`, value, where, out, depth + 1));
        }
        return;
    }
    if (!value || typeof value !== "object") return;
    // every schema that applies to this value: the node, its allOf parts, the matching oneOf branch
    const parts = [];
    const collect = (n, p) => {
        [n, p] = deref(n, p);
        if (!n || typeof n !== "object") return;
        parts.push([n, p]);
        (n.allOf || []).forEach((x, i) => collect(x, `${p}/allOf/${i}`));
        for (const k of ["oneOf", "anyOf"]) {
            const list = n[k] || [];
            for (let i = 0; i < list.length; ++i) {
                if (validatorFor(`${p}/${k}/${i}`)(value)) {
                    collect(list[i], `${p}/${k}/${i}`);
                    break;
                }
            }
        }
    };
    collect(node, pointer);
    const named = new Map();
    let open = false;
    for (const [n, p] of parts) {
        if (n.additionalProperties === false) open = true; // ajv reports those members already
        if (n.additionalProperties !== undefined && n.additionalProperties !== false) open = true;
        if (n.unevaluatedProperties !== undefined && n.unevaluatedProperties !== false) open = true;
        if (n.patternProperties) open = true;
        for (const name of Object.keys(n.properties || {})) {
            if (!named.has(name)) named.set(name, []);
            named.get(name).push([n.properties[name], `${p}/properties/${escape(name)}`]);
        }
    }
    const typed = parts.some(([n]) => n.properties || n.type === "object" || (Array.isArray(n.type) && n.type.includes("object")));
    for (const [name, member] of Object.entries(value)) {
        if (named.has(name)) {
            for (const [sub, subPointer] of named.get(name)) undocumented(sub, subPointer, member, `${where}/${name}`, out, depth + 1);
        } else if (!open && typed && named.size > 0) {
            out.push(`${where || "/"} member ${name} is not in the description`);
        }
    }
}

// --- checking -----------------------------------------------------------------------------
const problems = [];
answers.forEach((answer, index) => {
    const method = String(answer.method || "").toUpperCase();
    const label = `${method} ${answer.path} ${answer.status}`;
    const report = (what) => problems.push(`${label}: ${what}`);
    if (!method || typeof answer.path !== "string" || !Number.isInteger(answer.status)) {
        problems.push(`answer ${index}: needs method, path and an integer status`);
        return;
    }
    const pathKey = findPathItem(answer.path);
    if (!pathKey) return report("no such path in the description");
    const operationMethod = method === "HEAD" && !paths[pathKey].head ? "get" : method.toLowerCase();
    const operation = paths[pathKey][operationMethod];
    if (!operation) return report(`no ${method} operation on this path`);
    const responses = operation.responses || {};
    const status = String(answer.status);
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, "default"].find((k) => k in responses);
    if (!key) return report(`status ${status} is not declared (declared: ${Object.keys(responses).join(", ")})`);
    const [response, responsePointer] = deref(responses[key],
        `/paths/${escape(pathKey)}/${operationMethod}/responses/${escape(key)}`);
    if (!response) return report(`the response ${key} cannot be resolved`);

    const headers = Object.fromEntries(Object.entries(answer.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const missing = Object.entries(response.headers || {})
        .filter(([name, header]) => deref(header, "")[0]?.required && !(name.toLowerCase() in headers))
        .map(([name]) => name);
    if (missing.length > 0) report(`required header${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}`);

    const hasBody = answer.body !== null && answer.body !== undefined && method !== "HEAD";
    if (!hasBody) {
        if (response.content && Object.keys(response.content).length > 0 && method !== "HEAD" && answer.status !== 204)
            report(`no body, the description declares ${Object.keys(response.content).join(", ")}`);
        return;
    }
    if (!response.content) return report("a body, but the description declares no content");
    const contentType = answer.content_type || headers["content-type"];
    const mediaKey = mediaFor(response.content, contentType);
    if (!mediaKey)
        return report(`content type ${contentType || "(none)"} is not declared (declared: ${Object.keys(response.content).join(", ")})`);
    const media = response.content[mediaKey];
    if (!media.schema) return report(`the description has no schema for ${mediaKey}`);
    const schemaPointer = `${responsePointer}/content/${escape(mediaKey)}/schema`;
    let validate;
    try {
        validate = validatorFor(schemaPointer);
    } catch (e) {
        return report(`the schema cannot be compiled: ${e.message}`);
    }
    if (!validate(answer.body)) {
        for (const error of validate.errors) {
            const where = error.instancePath || "/";
            let message = error.message;
            if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties")
                message += ` (${error.params.additionalProperty ?? error.params.unevaluatedProperty})`;
            else if (error.keyword === "enum") message += ` (${error.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
            report(`${where} ${message}`);
        }
    }
    if (strict) {
        const out = [];
        undocumented({ $ref: `#${schemaPointer}` }, schemaPointer, answer.body, "", out);
        out.forEach(report);
    }
});

for (const line of [...new Set(problems)]) process.stdout.write(line + "\n");
if (problems.length > 0) {
    process.stderr.write(`validate-answers: ${new Set(problems).size} problem(s) in ${answers.length} answer(s)\n`);
    process.exit(1);
}
process.stderr.write(`validate-answers: ${answers.length} answer(s) match ${specFile}\n`);

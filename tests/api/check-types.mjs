#!/usr/bin/env node
// Reads the TypeScript that openapi-typescript generated from resources/openapi.yaml and
// names every answer a client could not type:
//   - "content?: never" for a status other than 204/304: the response declares no content,
//     so the client gets no type for the body;
//   - "<media type>": unknown: a media type without a schema;
//   - "responses: never" or an operation without responses.
// Both the operations and the reusable responses (components["responses"]) are walked.
//
//   node tests/api/check-types.mjs generated.d.ts
// One line per problem; exit 0 when there is none, 1 otherwise, 2 on bad input.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const file = process.argv[2];
if (!file) {
    process.stderr.write("usage: check-types.mjs generated.d.ts\n");
    process.exit(2);
}
let text;
try {
    text = readFileSync(file, "utf8");
} catch (e) {
    process.stderr.write(`check-types: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
}
const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);

const nameOf = (member) => member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) || ts.isNumericLiteral(member.name))
    ? member.name.text : member.name?.getText(source);
const membersOf = (typeNode) => (typeNode && ts.isTypeLiteralNode(typeNode) ? typeNode.members : []);
const find = (typeNode, name) => membersOf(typeNode).find((m) => ts.isPropertySignature(m) && nameOf(m) === name);

const problems = [];
let checked = 0;

// One response: { headers: ...; content?: never } or { content: { "application/json": T } }.
function checkResponse(where, status, typeNode) {
    checked++;
    if (!typeNode || !ts.isTypeLiteralNode(typeNode)) return; // a reference to components["responses"][...]
    const content = find(typeNode, "content");
    if (!content || content.type.kind === ts.SyntaxKind.NeverKeyword) {
        if (status !== "204" && status !== "304") problems.push(`${where} ${status}: no schema for the answer (content?: never)`);
        return;
    }
    for (const media of membersOf(content.type)) {
        if (media.type?.kind === ts.SyntaxKind.UnknownKeyword || media.type?.kind === ts.SyntaxKind.NeverKeyword)
            problems.push(`${where} ${status}: ${nameOf(media)} has no schema (${media.type.getText(source)})`);
    }
}

function checkOperation(where, typeNode) {
    const responses = find(typeNode, "responses");
    if (!responses || responses.type.kind === ts.SyntaxKind.NeverKeyword) {
        problems.push(`${where}: no responses`);
        return;
    }
    for (const member of membersOf(responses.type)) checkResponse(where, nameOf(member), member.type);
}

let operations = 0;
for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    if (statement.name.text === "operations") {
        for (const op of statement.members) {
            operations++;
            checkOperation(nameOf(op), op.type);
        }
    } else if (statement.name.text === "components") {
        const responses = statement.members.find((m) => nameOf(m) === "responses");
        if (responses && responses.type.kind !== ts.SyntaxKind.NeverKeyword) {
            for (const r of membersOf(responses.type)) checkResponse(`components.responses.${nameOf(r)}`, "", r.type);
        }
    } else if (statement.name.text === "paths") {
        // operations without an operationId are written inline in paths
        for (const item of statement.members) {
            for (const method of membersOf(item.type)) {
                if (method.type && ts.isTypeLiteralNode(method.type) && find(method.type, "responses")) {
                    operations++;
                    checkOperation(`${nameOf(method)} ${nameOf(item)}`, method.type);
                }
            }
        }
    }
}

if (operations === 0) problems.push(`${file}: no operations found (is this openapi-typescript output?)`);
for (const p of problems) process.stdout.write(p + "\n");
process.stderr.write(`check-types: ${operations} operation(s), ${checked} answer(s), ${problems.length} problem(s)\n`);
process.exit(problems.length ? 1 : 0);

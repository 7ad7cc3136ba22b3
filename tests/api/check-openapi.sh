#!/usr/bin/env bash
# Checks resources/openapi.yaml (tf-gateway) and resources/openapi-syncd.yaml (tf-syncd):
#   1. redocly lint with tests/api/redocly.yaml (the recommended rules): 0 errors, 0 warnings;
#      the ProblemCode enum of each lists exactly the codes of docs/api-conventions.md, and
#      tests/api/check-conventions.mjs holds each to the rest of those conventions;
#   2. openapi-typescript generates a TypeScript client model of each, which compiles
#      (tsc --strict) and types every answer (tests/api/check-types.mjs: no "content?: never"
#      but for 204);
#   3. self-tests: tests/api/validate-answers.mjs reports exactly the expected problems of
#      tests/api/fixtures/answers-sample.json (its valid answers pass, the invalid ones are
#      named), and check-types.mjs bites on fixtures/no-schema.yaml.
#
#   tests/api/check-openapi.sh [--work DIR]
#
# The pinned tools (tests/api/package.json and package-lock.json) are installed with npm ci
# into DIR (--work, else $TF_API_TOOLS_DIR, else build/api-tools of the checkout): never into
# the source tree. npm ci runs again only when the lock file changed, and it prefers npm's
# cache, so only the very first run needs the npm registry.
# One line per problem; exit 0 when everything passes, 1 when something fails, 2 on bad use.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
work="${TF_API_TOOLS_DIR:-$ROOT/build/api-tools}"
while (($#)); do
    case "$1" in
        --work) work="${2:?--work needs a folder}"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) printf 'check-openapi.sh: unknown argument "%s"\n' "$1" >&2; exit 2 ;;
    esac
done

GATEWAY="$ROOT/resources/openapi.yaml"
SYNCD="$ROOT/resources/openapi-syncd.yaml"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

log() { printf '==> %s\n' "$*"; }
failed=0
fail() { printf 'FAIL: %s\n' "$*"; failed=1; }

for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "check-openapi.sh: $tool is missing (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
done

# --- the pinned tools -----------------------------------------------------------------------
mkdir -p "$work"
work="$(cd "$work" && pwd)"
case "$work/" in
    "$HERE/"*) echo "check-openapi.sh: --work must be outside tests/api (the source tree)" >&2; exit 2 ;;
esac
lock_sum="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$work/.installed" 2>/dev/null || true)" != "$lock_sum" || ! -x "$work/node_modules/.bin/redocly" ]]; then
    log "installing the pinned tools into $work (npm ci)"
    cp "$HERE/package.json" "$HERE/package-lock.json" "$work/"
    rm -f "$work/.installed"
    if ! (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >"$work/npm-ci.log" 2>&1); then
        cat "$work/npm-ci.log" >&2
        echo "check-openapi.sh: npm ci failed (the first run needs the npm registry)" >&2
        exit 1
    fi
    echo "$lock_sum" >"$work/.installed"
fi
bin="$work/node_modules/.bin"
# The scripts import ajv, js-yaml and typescript from the installed tools.
export NODE_PATH="$work/node_modules"
log "tools: node $(node --version), redocly $("$bin/redocly" --version 2>/dev/null), openapi-typescript $(node -p "require('$work/node_modules/openapi-typescript/package.json').version")"

# --- 1. lint ------------------------------------------------------------------------------
log "redocly lint"
for spec in "$GATEWAY" "$SYNCD"; do
    name="$(basename "$spec" .yaml)"
    lint_json="$work/$name.lint.json"
    # Exit status 1 means problems were found; the JSON report says which (read below).
    "$bin/redocly" lint --config "$HERE/redocly.yaml" --format=json "$spec" >"$lint_json" 2>"$work/$name.lint.log" || true
    if ! node "$HERE/lint-report.mjs" "$lint_json" "${spec#"$ROOT"/}"; then
        failed=1
        [[ -s "$work/$name.lint.log" ]] && grep -v '^$' "$work/$name.lint.log" | sed 's/^/  /' | tail -n 20
    fi
done

# --- the ProblemCode enums and the codes table of docs/api-conventions.md ------------------
log "ProblemCode enum and docs/api-conventions.md"
if ! node "$HERE/check-problem-codes.mjs" "$ROOT/docs/api-conventions.md" "$GATEWAY" "$SYNCD"; then
    failed=1
fi

# --- the conventions that lint does not know (tests/api/check-conventions.mjs) --------------
log "conventions (examples, problem answers, 400/404/412/415, lists, ETags, 401/403/429, RateLimit)"
for spec in "$GATEWAY" "$SYNCD"; do
    flags=()
    [[ "$spec" == "$GATEWAY" ]] && flags=(--gateway)
    if ! node "$HERE/check-conventions.mjs" "${flags[@]}" "$spec" >"$work/conventions.out" 2>"$work/conventions.err"; then
        sed "s|^|FAIL: ${spec#"$ROOT"/}: |" "$work/conventions.out"
        failed=1
    fi
    cat "$work/conventions.err"
done

# --- 2. TypeScript ------------------------------------------------------------------------
for spec in "$GATEWAY" "$SYNCD"; do
    name="$(basename "$spec" .yaml)"
    log "openapi-typescript $name"
    out="$work/$name.d.ts"
    if ! (cd "$work" && "$bin/openapi-typescript" "$spec" --redocly "$HERE/redocly.yaml" -o "$out" >"$work/$name.ts.log" 2>&1); then
        sed 's/^/  /' "$work/$name.ts.log"
        fail "openapi-typescript could not generate types from ${spec#"$ROOT"/}"
        continue
    fi
    if node "$HERE/check-types.mjs" "$out" >"$work/$name.types.out" 2>"$work/$name.types.err"; then
        cat "$work/$name.types.err"
    else
        sed "s|^|FAIL: ${spec#"$ROOT"/}: |" "$work/$name.types.out"
        cat "$work/$name.types.err"
        failed=1
    fi
    if ! "$bin/tsc" --noEmit --strict "$out" >"$work/$name.tsc.log" 2>&1; then
        sed 's/^/FAIL: tsc: /' "$work/$name.tsc.log"
        failed=1
    fi
done

# --- 3. self-tests ------------------------------------------------------------------------
log "validate-answers.mjs self-test (tests/api/fixtures/answers-sample.json)"
rc=0
node "$HERE/validate-answers.mjs" --strict --spec "$GATEWAY" "$HERE/fixtures/answers-sample.json" >"$work/answers.out" 2>"$work/answers.err" || rc=$?
if ((rc != 1)); then
    fail "validate-answers.mjs exited $rc on the sample, expected 1 (it has invalid answers)"
    sed 's/^/  /' "$work/answers.err"
fi
if ! diff -u "$HERE/fixtures/answers-sample.expected" "$work/answers.out" >"$work/answers.diff"; then
    fail "validate-answers.mjs did not report exactly tests/api/fixtures/answers-sample.expected:"
    sed 's/^/  /' "$work/answers.diff"
fi

log "check-types.mjs self-test (tests/api/fixtures/no-schema.yaml)"
if ! (cd "$work" && "$bin/openapi-typescript" "$HERE/fixtures/no-schema.yaml" --redocly "$HERE/fixtures/redocly-none.yaml" -o "$work/no-schema.d.ts" >"$work/no-schema.log" 2>&1); then
    sed 's/^/  /' "$work/no-schema.log"
    fail "openapi-typescript could not read fixtures/no-schema.yaml"
elif node "$HERE/check-types.mjs" "$work/no-schema.d.ts" >"$work/no-schema.out" 2>&1; then
    fail "check-types.mjs found nothing wrong in fixtures/no-schema.yaml (an answer without a schema)"
elif ! grep -q 'getThing 200: no schema for the answer' "$work/no-schema.out"; then
    fail "check-types.mjs did not name getThing 200 in fixtures/no-schema.yaml:"
    sed 's/^/  /' "$work/no-schema.out"
fi

if ((failed)); then
    log "OpenAPI checks failed"
    exit 1
fi
log "OpenAPI checks passed"

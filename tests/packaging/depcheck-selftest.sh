#!/usr/bin/env bash
# The dependency check bites: with a package dropped from install-deps.sh's list it exits 1
# and names that package. (scripts/test.sh runs it with the full list before the tests.)
#   depcheck-selftest.sh BUILD_DIR
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${1:?usage: depcheck-selftest.sh BUILD_DIR}"
failures=0

expect_named() { # expect_named PACKAGE [check-deps args...]
    local pkg="$1" out rc
    shift
    out="$(bash "$ROOT/scripts/check-deps.sh" --build-dir "$build_dir" --without "$pkg" "$@" 2>&1)"
    rc=$?
    if ((rc != 1)); then
        echo "FAIL: without $pkg the check exited $rc, expected 1"; failures=$((failures + 1))
    elif ! grep -q "^missing from scripts/install-deps.sh: $pkg " <<<"$out"; then
        echo "FAIL: without $pkg the check did not name it:"; echo "$out"; failures=$((failures + 1))
    else
        echo "ok: without $pkg: $(grep "^missing from scripts/install-deps.sh: $pkg " <<<"$out")"
    fi
}

expect_named libqt6opengl6-dev --no-runtime
expect_named libqt6sql6-psql
expect_named libmariadb-dev --no-runtime # only its headers show it: the library is libmariadb3's
exit $((failures > 0))

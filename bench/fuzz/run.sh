#!/usr/bin/env bash
# Fuzzes the parsers with libFuzzer (docs/fuzzing.md): builds the clang preset "fuzz"
# (build/fuzz: ASan + UBSan, libFuzzer coverage on every file) and runs each target of
# tests/fuzz for SECONDS (default 60), printing its executions, speed and findings.
# Not part of ctest; scripts/test.sh --sanitize runs it for a few seconds a target.
#
#   bench/fuzz/run.sh [SECONDS] [--target NAME]... [--jobs N] [--runs N]
#
# --runs N stops each target after N executions (SECONDS, then, is only an upper bound): the
# issue's goal is 1,000,000 executions a target, whatever the machine's speed.
#
# Each target starts from its seed corpus (tests/fuzz/corpus/NAME, never written to) plus what
# earlier runs found (build/fuzz/corpus/NAME). A finding (crash, leak, UB, timeout, out of
# memory) is saved as build/fuzz/findings/NAME/<kind>-<sha1>: fix it, then copy the file into
# tests/fuzz/corpus/NAME so the replay suite tst_fuzz_NAME keeps it fixed.
# Exits 1 when any target found something, 2 on bad arguments.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

SECONDS_EACH=60
JOBS="$(nproc)"
RUNS=-1
TARGETS=()
while (($# > 0)); do
    case "$1" in
        --target) TARGETS+=("${2:?--target needs a name}"); shift 2 ;;
        --jobs) JOBS="${2:?--jobs needs a number}"; shift 2 ;;
        --runs)
            RUNS="${2:?--runs needs a number}"
            [[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { printf 'run.sh: --runs "%s" is not a positive number\n' "$RUNS" >&2; exit 2; }
            shift 2 ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *)
            if [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 0)); then
                SECONDS_EACH="$1"; shift
            else
                printf 'run.sh: "%s" is not a number of seconds, --target NAME or --jobs N\n' "$1" >&2
                exit 2
            fi
            ;;
    esac
done

log() { printf '==> %s\n' "$*"; }

# The list of targets is the CMake list, so the two cannot drift apart.
mapfile -t ALL < <(sed -n '/^set(TF_FUZZ_TARGETS/,/)/p' tests/fuzz/fuzz.cmake | tr ' ()' '\n\n\n' | grep -v -e '^$' -e '^set$' -e '^TF_FUZZ_TARGETS$')
if ((${#TARGETS[@]} == 0)); then
    TARGETS=("${ALL[@]}")
fi
for target in "${TARGETS[@]}"; do
    if [[ ! " ${ALL[*]} " == *" $target "* ]]; then
        printf 'run.sh: no fuzz target "%s" (targets: %s)\n' "$target" "${ALL[*]}" >&2
        exit 2
    fi
done

export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
log "configuring (preset fuzz, clang++-14)"
cmake --preset fuzz >/dev/null
log "building ${#TARGETS[@]} fuzz targets"
cmake --build --preset fuzz -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}" | tail -n 3

BUILD="$ROOT/build/fuzz"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if ((RUNS > 0)); then
    log "fuzzing each target for ${RUNS} executions (at most ${SECONDS_EACH}s)"
else
    log "fuzzing each target for ${SECONDS_EACH}s"
fi
printf '%-18s %14s %10s %8s %9s  %s\n' target executions 'exec/s' corpus findings 'log'
failed=0
for target in "${TARGETS[@]}"; do
    corpus="$BUILD/corpus/$target"
    findings="$BUILD/findings/$target"
    logfile="$BUILD/logs/$target.log"
    rm -rf "$findings" # only this run's findings are counted
    mkdir -p "$corpus" "$findings" "$(dirname "$logfile")"
    rc=0
    "$BUILD/bin/fuzz_$target" -max_total_time="$SECONDS_EACH" -runs="$RUNS" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -max_len=4096 -artifact_prefix="$findings/" \
        "$corpus" "tests/fuzz/corpus/$target" >"$logfile" 2>&1 || rc=$?
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logfile" | tail -n 1 | grep -o '[0-9]*$' || true)"
    speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$logfile" | tail -n 1 | grep -o '[0-9]*$' || true)"
    size="$(find "$corpus" -type f | wc -l)"
    found="$(find "$findings" -type f | wc -l)"
    if ((rc != 0 && found == 0)); then
        found=1 # a crash libFuzzer could not save (e.g. in its own start-up): the log says why
    fi
    printf '%-18s %14s %10s %8s %9s  %s\n' "$target" "${execs:-?}" "${speed:-?}" "$size" "$found" "${logfile#"$ROOT"/}"
    if ((found > 0)); then
        failed=1
        grep -m 3 -e 'ERROR: ' -e 'runtime error' -e 'fuzz property broken' "$logfile" | sed 's/^/    /' || true
    fi
done
if ((failed)); then
    log "findings saved under build/fuzz/findings/ (see docs/fuzzing.md for what to do with them)"
    exit 1
fi
log "no findings"

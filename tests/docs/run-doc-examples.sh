#!/usr/bin/env bash
# Runs every ```sh block of a Markdown guide, in order, in one shell, against a scratch
# platform, and fails when one fails (naming the block and its line in the guide).
#   tests/docs/run-doc-examples.sh docs/admin-guide.md build/release/bin
# A block whose first line is "# not run: <why>" is skipped (installing packages, sudo...).
# The scratch: an empty working folder, HOME inside it (so the default data directory
# ~/.local/share/terrafusion is new), no DATABASE_URL/PG*/TF_* from the caller, the built
# programs first on PATH, and the gateway and its tf-syncd on free ports (TF_GATEWAY__PORT,
# TF_GATEWAY__SYNC_PORT). Everything the examples start is stopped at the end.
set -euo pipefail

guide="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
bin_dir="$(cd "$2" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tf-doc-examples.XXXXXX")"
examples_pid=""
cleanup() {
    if [[ -n "$examples_pid" ]]; then
        kill -TERM -- "-$examples_pid" 2>/dev/null || true
        sleep 1
        kill -KILL -- "-$examples_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A port below the kernel's ephemeral range: a port inside it can be the local end of any
# program's outgoing connection at the moment the gateway binds (seen under a loaded ctest).
ephemeral_low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
    local candidate low=10000
    local span=$((ephemeral_low - low))
    while :; do
        candidate=$((low + RANDOM % span))
        port_in_use "$candidate" || { echo "$candidate"; return; }
    done
}
# What a failure leaves to read: the programs the examples started, their state, their logs.
diagnose() {
    echo "--- programs of the examples ---" >&2
    ps -o pid,stat,wchan:24,etime,args -s "$examples_pid" >&2 2>/dev/null || true
    local pid
    for pid in $(pgrep -s "$examples_pid" -f 'tf-(gateway|syncd)' 2>/dev/null); do
        echo "--- /proc/$pid: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" >&2
        grep -E '^(State|Threads)' "/proc/$pid/status" >&2 2>/dev/null || true
        cat "/proc/$pid/stack" >&2 2>/dev/null || true
    done
    echo "--- gateway.log (last lines) ---" >&2
    tail -n 30 "$work/run/gateway.log" >&2 2>/dev/null || echo "(no gateway.log)" >&2
    local log
    for log in "$work"/home/.local/share/terrafusion/logs/tf-syncd-*.log; do
        [[ -f "$log" ]] || continue
        echo "--- $log (last lines) ---" >&2
        tail -n 15 "$log" >&2
    done
}

# The script: each block, preceded by where it comes from; an ERR trap names the failure.
script="$work/examples.sh"
awk -v guide="$(basename "$guide")" '
    /^```sh[[:space:]]*$/ { inblock = 1; first = 1; start = NR; n++; next }
    inblock && /^```[[:space:]]*$/ {
        inblock = 0
        if (!skip) printf "echo \"--- %s example %d (line %d) done\" >&2\n", guide, n, start
        skip = 0
        next
    }
    inblock {
        if (first) {
            first = 0
            if ($0 ~ /^# not run:/) { skip = 1; printf "echo \"--- %s example %d (line %d) not run: %s\" >&2\n", guide, n, start, substr($0, 11); next }
            printf "EXAMPLE=\"%s example %d (line %d)\"\n", guide, n, start
        }
        if (!skip) print
    }
    END { if (inblock) { print "echo \"unterminated code block\" >&2; exit 1" } }
' "$guide" > "$script.body"
blocks=$(grep -c '^EXAMPLE=' "$script.body" || true)
if ((blocks == 0)); then
    echo "no runnable sh examples in $guide" >&2
    exit 1
fi
{
    echo 'set -eEuo pipefail'
    echo 'trap '"'"'echo "FAILED: $EXAMPLE, command: $BASH_COMMAND" >&2'"'"' ERR'
    cat "$script.body"
    echo 'echo "all examples passed" >&2'
} > "$script"

mkdir -p "$work/home" "$work/run"
cd "$work/run"
# A clean environment: nothing of the caller's platform leaks in.
for name in $(env | sed -n 's/^\(DATABASE_URL\|PG[A-Z_]*\|TF_[A-Z0-9_]*\|XDG_[A-Z_]*\)=.*/\1/p'); do
    unset "$name"
done
export HOME="$work/home"
export PATH="$bin_dir:$PATH"
export TF_GATEWAY__PORT="$(free_port)"
export TF_GATEWAY__SYNC_PORT="$(free_port)"
export TF_AUTH__PBKDF2_ITERATIONS=1000 # fast sign-ins in the test only

echo "running $blocks examples of $guide in $work/run (gateway port $TF_GATEWAY__PORT)" >&2
rc=0
setsid bash "$script" &
examples_pid=$!
wait "$examples_pid" || rc=$?
if ((rc != 0)); then
    diagnose
fi
exit "$rc"

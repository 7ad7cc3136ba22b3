#!/usr/bin/env bash
# Each program given allocates through jemalloc: libjemalloc is a NEEDED entry before libc's
# (so its malloc is the one the process binds to), and jemalloc runs when the program does.
set -euo pipefail
status=0
for program in "$@"; do
    name="$(basename "$program")"
    needed="$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
    jemalloc_at="$(grep -n '^libjemalloc\.so' <<<"$needed" | cut -d: -f1 | head -1 || true)"
    libc_at="$(grep -n '^libc\.so' <<<"$needed" | cut -d: -f1 | head -1 || true)"
    if [[ -z "$jemalloc_at" ]]; then
        echo "FAIL $name: libjemalloc is not among its NEEDED libraries: $(echo $needed)"
        status=1
        continue
    fi
    if [[ -n "$libc_at" && "$jemalloc_at" -gt "$libc_at" ]]; then
        echo "FAIL $name: libjemalloc comes after libc ($jemalloc_at > $libc_at): glibc's malloc would win"
        status=1
        continue
    fi
    # (The whole output first: grep -q would stop reading at the match and the program die of SIGPIPE.)
    printed="$(MALLOC_CONF=stats_print:true "$program" --version 2>&1 || true)"
    if ! grep -q 'Begin jemalloc statistics' <<<"$printed"; then
        echo "FAIL $name: jemalloc printed no statistics at exit: it is not the allocator in use"
        status=1
        continue
    fi
    echo "ok   $name allocates through jemalloc"
done
exit $status

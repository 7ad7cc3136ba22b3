#!/usr/bin/env bash
# Fails when the build uses something that scripts/install-deps.sh does not install.
#
#   scripts/check-deps.sh [--build-dir DIR] [--without PKG]... [--no-runtime]
#
# What the build used, gathered three ways:
#   1. configure: every absolute path CMake found (the *_DIR package configs, libraries,
#      include folders and programs in CMakeCache.txt), and every header a compile read
#      (ninja -t deps);
#   2. link: every shared library the built programs need (ldd);
#   3. run time: every library and Qt plugin (SQL drivers, platform plugins, their own
#      libraries) that our programs load when started for real (LD_DEBUG=files).
# Each file must belong to a Debian package (dpkg -S) that the packages named in
# install-deps.sh (with --test) install, directly or through their dependencies
# (apt-cache depends --recurse --installed). Each missing package is printed by name.
# --without PKG drops PKG from the list first: the self-test uses it to prove the check bites.
# Exit codes: 0 all accounted for, 1 something is missing, 2 bad arguments.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$ROOT/build/release"
runtime=1
without=()
while (($#)); do
    case "$1" in
        --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift 2 ;;
        --without) without+=("${2:?--without needs a package name}"); shift 2 ;;
        --no-runtime) runtime=0; shift ;;
        *) printf 'check-deps.sh: unknown argument "%s"\n' "$1" >&2; exit 2 ;;
    esac
done
build_dir="$(cd "$build_dir" 2>/dev/null && pwd)" || { echo "check-deps.sh: no build folder ${build_dir}" >&2; exit 2; }
cache="$build_dir/CMakeCache.txt"
[[ -f "$cache" ]] || { echo "check-deps.sh: $cache missing; configure first" >&2; exit 2; }

log() { printf '==> %s\n' "$*"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- the packages install-deps.sh brings, and everything they pull in ----------------------
mapfile -t named < <(bash "$ROOT/scripts/install-deps.sh" --list --test)
declare -A dropped=()
for pkg in "${without[@]}"; do dropped["$pkg"]=1; done
listed=()
for pkg in "${named[@]}"; do [[ -n "${dropped[$pkg]:-}" ]] || listed+=("$pkg"); done

declare -A closure=()
# Header lines (no indentation) are the packages reached; "<virtual>" ones are skipped, their
# installed providers appear as headers of their own.
while read -r line; do
    [[ "$line" == "<"* ]] && continue
    closure["${line%%:*}"]=1
done < <(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "${listed[@]}" 2>/dev/null | grep -v '^[[:space:]]')
# Essential packages are on every Debian system by definition; nothing needs to name them.
while read -r pkg essential; do
    [[ "$essential" == "yes" ]] && closure["$pkg"]=1
done < <(dpkg-query -W -f='${Package} ${Essential}\n')
log "dependency check: ${#listed[@]} packages named, ${#closure[@]} in their installed closure"

# --- what the build used: "path<TAB>why" lines ----------------------------------------------
used="$work/used"
: >"$used"

# 1. configure. Paths inside the checkout or the build folder are ours, not a package's.
# A library CMake found but nothing links (OPENGL_glu_LIBRARY, say) is not used: library
# entries count only when a built program links that very file (step 2 lists those).
mapfile -t built < <(find "$build_dir/bin" "$build_dir/lib" -maxdepth 1 -type f \( -perm -u+x -o -name '*.so*' \) 2>/dev/null | sort)
# ldd once per program ("library<TAB>program"): steps 1 and 2 both read it.
ldd_out="$work/ldd"
for program in "${built[@]}"; do
    ldd "$program" 2>/dev/null | awk -v p="${program##*/}" '$2 == "=>" && $3 ~ /^\// { print $3 "\t" p }'
done >"$ldd_out"
declare -A linked=()
while read -r lib; do linked["$lib"]=1; done < <(cut -f1 "$ldd_out" | sort -u | xargs -r readlink -f)
while IFS= read -r entry; do
    key="${entry%%:*}"
    value="${entry#*=}"
    [[ "$key" == CMAKE_INSTALL_PREFIX ]] && continue
    [[ "$value" == /* && -e "$value" ]] || continue
    [[ "$value" == "$ROOT"* || "$value" == "$build_dir"* ]] && continue
    if [[ "$key" =~ _LIBRARY(_RELEASE|_DEBUG)?$|_LIBRARIES$ && "$value" == *.so* ]]; then
        [[ -n "${linked[$(readlink -f "$value")]:-}" ]] || continue
    fi
    if [[ -d "$value" ]]; then
        configs=("$value"/*[Cc]onfig.cmake)
        if [[ -e "${configs[0]}" ]]; then
            for f in "${configs[@]}"; do printf '%s\tCMake %s\n' "$f" "$key"; done
        else
            printf '%s\tCMake %s\n' "$value" "$key"
        fi
    else
        printf '%s\tCMake %s\n' "$value" "$key"
    fi
done < <(grep -E '^[A-Za-z0-9_.+-]+:(PATH|FILEPATH)=' "$cache") >>"$used"

# 1b. compile: every header outside the checkout and the build folder that a compile read
# (ninja's dependency log). A -dev package whose headers the build includes but whose library
# something else pulls in (libmariadb-dev beside libmariadb3) shows only here.
if [[ -f "$build_dir/.ninja_deps" ]] && command -v ninja >/dev/null 2>&1; then
    ninja -C "$build_dir" -t deps 2>/dev/null | sed -n 's/^[[:space:]]\{1,\}\(\/.*\)$/\1/p' \
        | grep -v -e "^$ROOT/" -e "^$build_dir/" | sort -u | awk '{ print $0 "\tincluded by a compile" }' >>"$used"
fi

# 2. link: every executable and shared library the build wrote.
awk -F'\t' '{ print $1 "\tlinked by " $2 }' "$ldd_out" >>"$used"

# 3. run time: start the programs for real and record what the dynamic loader opens.
if ((runtime)); then
    bin="$build_dir/bin"
    data="$work/data"
    mkdir -p "$data"
    trace() { # trace NAME SECONDS COMMAND...: run with LD_DEBUG until it exits or the time is up
        local name="$1" seconds="$2"
        shift 2
        exec 2>/dev/null # this runs in a background job: keep the shell's "Terminated" notes out
        env LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld.$name" timeout -k 3 "$seconds" "$@" >/dev/null 2>&1 || true
    }
    port() { echo $((20000 + RANDOM % 40000)); }
    clean_env=(env -u DATABASE_URL -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD -u PGDATABASE
               TF_DATA_DIR="$data" TF_SERVICE_TOKEN=dependency-check-service-token-0123456789 TF_NO_DEMO=1)
    # SQLite control database (QSQLITE), the gateway's and tf-syncd's start-up.
    trace syncd-sqlite 6 "${clean_env[@]}" "$bin/tf-syncd" --port "$(port)" &
    trace gateway 6 "${clean_env[@]}" "$bin/tf-gateway" --port "$(port)" --no-supervise-sync &
    # PostgreSQL control database (QPSQL and libpq); nothing listens on port 1, the load is the point.
    # tfctl loads the driver, fails to connect and exits by itself, so a loaded machine cannot
    # cut its trace short (tf-syncd under a 6 s limit once ended before loading QPSQL at load 20).
    trace tfctl-psql 60 "${clean_env[@]}" "$bin/tfctl" sync list --database "postgresql://depcheck@127.0.0.1:1/none" &
    trace syncd-psql 6 "${clean_env[@]}" "$bin/tf-syncd" --port "$(port)" \
        --database "postgresql://depcheck@127.0.0.1:1/none" &
    trace tfctl 6 "${clean_env[@]}" "$bin/tfctl" sync list &
    if [[ -x "$bin/tf-console" ]]; then
        # Platform plugins: offscreen, and xcb (with its GL integrations) under Xvfb.
        trace console-offscreen 6 env QT_QPA_PLATFORM=offscreen "$bin/tf-console" &
        if command -v xvfb-run >/dev/null 2>&1; then
            # timeout inside xvfb-run, so that xvfb-run itself ends and stops its Xvfb
            trace console-xcb 20 xvfb-run -a timeout 6 env QT_QPA_PLATFORM=xcb "$bin/tf-console" &
        fi
    fi
    wait
    for f in "$work"/ld.*; do
        [[ -e "$f" ]] || continue
        name="${f##*/ld.}"
        name="${name%.*}"
        sed -n 's/^ *[0-9]*:[[:space:]]*calling init: \(\/.*\)$/\1/p' "$f" | awk -v n="$name" '{ print $0 "\tloaded at run time (" n ")" }'
    done >>"$used"
    plugins="$(grep -o 'qt6/plugins/[^[:space:]]*' "$used" | sed 's#qt6/plugins/##' | sort -u | tr '\n' ' ')"
    log "dependency check: Qt plugins loaded at run time: ${plugins:-none}"
    if ! grep -q 'plugins/sqldrivers/' "$used"; then
        echo "check-deps.sh: the run-time trace saw no Qt SQL driver load; the check is blind" >&2
        exit 1
    fi
fi
# The loader's own trace lists the tools it ran (timeout, xvfb-run's Xvfb...): those are
# accounted for like anything else.

# --- owners ---------------------------------------------------------------------------------
# dpkg knows merged-/usr files under the name the package shipped them with: try the path,
# its resolved form, and the /lib <-> /usr/lib twin of each.
candidates() {
    local p="$1" r
    r="$(readlink -f "$p" 2>/dev/null || echo "$p")"
    for q in "$p" "$r"; do
        echo "$q"
        case "$q" in
            /usr/lib/* | /usr/bin/* | /usr/sbin/*) echo "${q#/usr}" ;;
            /lib/* | /lib64/* | /bin/* | /sbin/*) echo "/usr$q" ;;
        esac
    done
}

sort -u -t$'\t' -k1,1 "$used" >"$work/used.sorted"
cut -f1 "$work/used.sorted" | while read -r p; do candidates "$p"; done | sort -u >"$work/paths"
# One dpkg-query for every path; lines "pkg[:arch][, pkg2...]: /path".
xargs -a "$work/paths" -d '\n' dpkg-query -S 2>/dev/null | sed -n 's/^\(.*\): \(\/.*\)$/\1\t\2/p' >"$work/owners" || true
declare -A owners=()
while IFS=$'\t' read -r pkgs path; do
    owners["$path"]="${owners[$path]:+${owners[$path]}, }$pkgs"
done <"$work/owners"

declare -A missing=()
declare -A missing_why=()
unowned=()
checked=0
while IFS=$'\t' read -r path why; do
    checked=$((checked + 1))
    found=""
    ok=0
    while read -r q; do
        [[ -n "${owners[$q]:-}" ]] || continue
        found="${owners[$q]}"
        IFS=',' read -ra list <<<"$found"
        for entry in "${list[@]}"; do
            entry="${entry# }"
            entry="${entry%%:*}"
            # "diversion by X from/to" lines are not ownership
            [[ "$entry" == diversion* ]] && continue
            if [[ -n "${closure[$entry]:-}" ]]; then ok=1; break; fi
        done
        ((ok)) && break
    done < <(candidates "$path")
    ((ok)) && continue
    if [[ -z "$found" ]]; then
        unowned+=("$path ($why)")
        continue
    fi
    pkg="${found%%,*}"
    pkg="${pkg%%:*}"
    missing["$pkg"]=1
    [[ -n "${missing_why[$pkg]:-}" ]] || missing_why["$pkg"]="$path, $why"
done <"$work/used.sorted"

status=0
for pkg in $(printf '%s\n' "${!missing[@]}" | sort); do
    printf 'missing from scripts/install-deps.sh: %s (provides %s)\n' "$pkg" "${missing_why[$pkg]}" >&2
    status=1
done
for entry in "${unowned[@]}"; do
    printf 'not from any Debian package: %s\n' "$entry" >&2
    status=1
done
if ((status == 0)); then
    log "dependency check: all $checked files the build used come from packages install-deps.sh installs"
else
    log "dependency check: FAILED (add the packages above to scripts/install-deps.sh)" >&2
fi
exit "$status"

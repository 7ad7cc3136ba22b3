#!/usr/bin/env bash
# Builds the two Debian packages and checks them without installing anything (no root):
#   - both .deb files are written, named terrafusion-server_* and terrafusion-console_*;
#   - lintian prints nothing for either (overrides, if any, are in packaging/README.md);
#   - the server depends on no GUI, X11 or GL library, even through its dependencies, and the
#     console on no HTTP server, PostgreSQL driver or service;
#   - the server holds its conffiles, units, man pages and completion; the console its
#     desktop entry, icons and metainfo, which desktop-file-validate and appstreamcli accept;
#   - each unit rates at most 3.0 in `systemd-analyze security --offline=true`.
#   packaging/check-packages.sh [--build-dir DIR]      (default build/release)
# Prints the path of each package on its last two lines ("package: PATH").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$ROOT/build/release"
while (($#)); do
    case "$1" in
        --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift 2 ;;
        *) printf 'check-packages.sh: unknown argument "%s"\n' "$1" >&2; exit 2 ;;
    esac
done
build_dir="$(cd "$build_dir" 2>/dev/null && pwd)" || { echo "${0##*/}: no build folder" >&2; exit 2; }

log() { printf '==> %s\n' "$*"; }
failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

log "packages: building (cmake --build $build_dir --target package)"
rm -f "$build_dir"/terrafusion-*.deb
cmake --build "$build_dir" --target package >"$build_dir/package.log" 2>&1 || {
    cat "$build_dir/package.log" >&2
    echo "check-packages.sh: the package build failed" >&2
    exit 1
}
server="$(ls "$build_dir"/terrafusion-server_*.deb 2>/dev/null | head -n 1)"
console="$(ls "$build_dir"/terrafusion-console_*.deb 2>/dev/null | head -n 1)"
[[ -n "$server" ]] || { echo "check-packages.sh: no terrafusion-server_*.deb written" >&2; exit 1; }
[[ -n "$console" ]] || { echo "check-packages.sh: no terrafusion-console_*.deb written" >&2; exit 1; }
log "packages: $(basename "$server"), $(basename "$console")"

# --- lintian --------------------------------------------------------------------------------
for deb in "$server" "$console"; do
    # (lintian warns on stderr when run as root, which CI does; that line is not a finding)
    out="$(lintian --fail-on none "$deb" 2>&1 | grep -v '^running with root privileges is not recommended!$' || true)"
    if [[ -n "$out" ]]; then
        fail "lintian on $(basename "$deb"):"
        printf '%s\n' "$out" >&2
    else
        log "lintian: $(basename "$deb") clean"
    fi
done

# --- dependencies ---------------------------------------------------------------------------
depends_of() { dpkg-deb -f "$1" Depends | tr ',' '\n' | sed 's/^ *//; s/ *(.*//; s/ *|.*//' | sed '/^$/d'; }
closure_of() { apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$@" 2>/dev/null | grep -v '^[[:space:]]' | tr -d '<>' | sort -u; }

mapfile -t server_depends < <(depends_of "$server")
mapfile -t console_depends < <(depends_of "$console")
log "server depends: ${server_depends[*]}"
log "console depends: ${console_depends[*]}"
gui='^(libqt6(widgets|charts|gui|opengl|openglwidgets|svg|xcbqpa)6|qt6-qpa-plugins|libx11-.*|libxcb.*|libgl1.*|libglx.*|libglvnd.*|libgles.*|libegl.*|libopengl.*|libwayland-.*|libxkbcommon.*|libdrm.*|libgbm.*)$'
server_bad="$(closure_of "${server_depends[@]}" | grep -E "$gui" || true)"
[[ -z "$server_bad" ]] || fail "terrafusion-server reaches GUI/X11/GL packages: $(echo $server_bad)"
console_bad="$(printf '%s\n' "${console_depends[@]}" | grep -E '^(libqt6httpserver6|libqt6sql6-psql|libpq5|terrafusion-server)$' || true)"
[[ -z "$console_bad" ]] || fail "terrafusion-console depends on $(echo $console_bad)"
[[ "$(dpkg-deb -f "$server" Version)" == "$(dpkg-deb -f "$console" Version)" ]] || fail "the two packages have different versions"

# --- contents -------------------------------------------------------------------------------
contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's#^\./#/#'; }
expect_in() {
    local deb="$1" listing
    shift
    listing="$(contents "$deb")"
    for path in "$@"; do
        grep -qxF "$path" <<<"$listing" || fail "$(basename "$deb") lacks $path"
    done
}
expect_in "$server" /usr/bin/tf-gateway /usr/bin/tf-syncd /usr/bin/tfctl \
    /lib/systemd/system/tf-syncd.service /lib/systemd/system/tf-gateway.service \
    /usr/lib/sysusers.d/terrafusion.conf /etc/terrafusion/terrafusion.ini /etc/default/terrafusion \
    /usr/share/man/man1/tf-gateway.1.gz /usr/share/man/man1/tf-syncd.1.gz /usr/share/man/man1/tfctl.1.gz \
    /usr/share/bash-completion/completions/tfctl \
    /usr/share/doc/terrafusion-server/copyright /usr/share/doc/terrafusion-server/changelog.gz
expect_in "$console" /usr/bin/tf-console /usr/share/man/man1/tf-console.1.gz \
    /usr/share/applications/org.terrafusion.Console.desktop \
    /usr/share/metainfo/org.terrafusion.Console.metainfo.xml \
    /usr/share/icons/hicolor/48x48/apps/org.terrafusion.Console.png \
    /usr/share/icons/hicolor/128x128/apps/org.terrafusion.Console.png \
    /usr/share/icons/hicolor/scalable/apps/org.terrafusion.Console.svg \
    /usr/share/doc/terrafusion-console/copyright /usr/share/doc/terrafusion-console/changelog.gz
contents "$console" | grep -E '^/usr/bin/tf-(gateway|syncd)$|^/usr/bin/tfctl$|systemd' \
    && fail "terrafusion-console holds server files"
contents "$server" | grep -E '^/usr/bin/tf-console$|/applications/|/icons/' \
    && fail "terrafusion-server holds console files"
conffiles="$(dpkg-deb -I "$server" conffiles 2>/dev/null || true)"
for f in /etc/terrafusion/terrafusion.ini /etc/default/terrafusion; do
    grep -qxF "$f" <<<"$conffiles" || fail "$f is not a conffile"
done

extract="$(mktemp -d)"
trap 'rm -rf "$extract"' EXIT
dpkg-deb -x "$server" "$extract/server"
dpkg-deb -x "$console" "$extract/console"
desktop-file-validate "$extract/console/usr/share/applications/org.terrafusion.Console.desktop" \
    || fail "desktop-file-validate refused the desktop entry"
appstreamcli validate --no-net "$extract/console/usr/share/metainfo/org.terrafusion.Console.metainfo.xml" \
    >"$extract/appstream.log" 2>&1 || { cat "$extract/appstream.log" >&2; fail "appstreamcli refused the metainfo"; }
# The packaged INI sets nothing: every key line is commented out.
if grep -nE '^[[:space:]]*[A-Za-z_]+[[:space:]]*=' "$extract/server/etc/terrafusion/terrafusion.ini"; then
    fail "the packaged terrafusion.ini sets keys (lines above); it must only document them"
fi
for size in 48 128; do
    file "$extract/console/usr/share/icons/hicolor/${size}x${size}/apps/org.terrafusion.Console.png" \
        | grep -q "$size x $size" || fail "the ${size}x${size} icon has another size"
done

# The tfctl completion completes groups, commands and options (bash-completion's helpers).
complete_tfctl() { # complete_tfctl WORD... : the candidates for the last word
    bash -c 'source /usr/share/bash-completion/bash_completion && source "$1" && shift &&
        COMP_WORDS=("$@") && COMP_CWORD=$(($# - 1)) && COMP_LINE="$*" && COMP_POINT=${#COMP_LINE} &&
        _tfctl && printf "%s\n" "${COMPREPLY[@]}"' _ "$extract/server/usr/share/bash-completion/completions/tfctl" tfctl "$@"
}
[[ "$(complete_tfctl ba)" == backup ]] || fail "tfctl completion of 'ba' gave '$(complete_tfctl ba | tr '\n' ' ')'"
[[ "$(complete_tfctl maintenance r)" == run ]] || fail "tfctl completion of 'maintenance r' gave '$(complete_tfctl maintenance r | tr '\n' ' ')'"
complete_tfctl sync run 1 --dr | grep -qx -- --dry-run || fail "tfctl completion of 'sync run 1 --dr' lacks --dry-run"

# --- systemd units --------------------------------------------------------------------------
for unit in tf-syncd.service tf-gateway.service; do
    score="$(systemd-analyze security --offline=true --no-pager "$extract/server/lib/systemd/system/$unit" 2>&1 \
        | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
    if [[ -z "$score" ]]; then
        fail "systemd-analyze security gave no score for $unit"
    elif awk -v s="$score" 'BEGIN { exit !(s > 3.0) }'; then
        fail "$unit rates $score in systemd-analyze security (at most 3.0)"
    else
        log "systemd-analyze security: $unit $score"
    fi
done

if ((failures > 0)); then
    log "packages: $failures check(s) failed" >&2
    exit 1
fi
log "packages: all checks passed"
echo "package: $server"
echo "package: $console"

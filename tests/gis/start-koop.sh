#!/usr/bin/env bash
# Starts Koop serving the GeoJSON files of DATA_DIR (for tst_arcgis_koop):
#
#   tests/gis/start-koop.sh --work DIR DATA_DIR
#
# The pinned packages (tests/gis/package.json and package-lock.json) are installed with npm ci
# into DIR (the build tree), again only when the lock file changed; only the first run needs the
# npm registry. Prints "listening PORT" and then serves until killed. Exit 1 when node or the
# packages are missing, 2 on bad use.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work=""
while (($#)); do
    case "$1" in
        --work) work="${2:?--work needs a folder}"; shift 2 ;;
        *) break ;;
    esac
done
[[ -n "$work" && $# -eq 1 ]] || { echo "usage: start-koop.sh --work DIR DATA_DIR" >&2; exit 2; }
data="$1"
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "start-koop.sh: $tool is missing (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
done
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
mkdir -p "$work"
lock_sum="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$work/.installed" 2>/dev/null || true)" != "$lock_sum" ]]; then
    echo "==> installing Koop into $work (npm ci)" >&2
    cp "$HERE/package.json" "$HERE/package-lock.json" "$work/"
    rm -f "$work/.installed"
    if ! (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >"$work/npm-ci.log" 2>&1); then
        cat "$work/npm-ci.log" >&2
        echo "start-koop.sh: npm ci failed (the first run needs the npm registry)" >&2
        exit 1
    fi
    echo "$lock_sum" >"$work/.installed"
fi
cd "$work"
export SUPPRESS_NO_CONFIG_WARNING=1 NODE_PATH="$work/node_modules"
exec node "$HERE/koop-serve.js" "$data"

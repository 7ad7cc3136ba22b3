#!/usr/bin/env bash
# MariaDB -> PostgreSQL benchmark (issue 18) on its own: bench/run.sh --only-mariadb, whose
# step (bench/mariadbstep.sh) starts a throwaway MariaDB, measures the plain pipe
#   mariadb --batch -e 'SELECT ...' | psql -c '\copy t from stdin'
# and tfctl's full and hash runs in the same invocation. Goals (those of the PostgreSQL
# source): full <= 1.5x the pipe, hash with no changes <= 0.3x.
#
#   bench/mariadb.sh [--rows N] [--batch-size N] [--pipe-runs N] [other bench/run.sh options]
# (default 100000 rows). TF_BIN_DIR names the folder holding tfctl, as for bench/run.sh.
set -euo pipefail
args=(--rows 100000)
while (($#)); do
    case $1 in
    --rows) args+=(--rows "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
    esac
done
exec "$(dirname "$0")/run.sh" --only-mariadb "${args[@]}"

#!/usr/bin/env bash
# Validates the SQL Server connector (kind: sqlserver) against a real SQL Server, for the first
# installation at a county: connect, read, hash, cursor, write, Change Tracking and the cdc
# target's statements against a scratch table, printing PASS, FAIL or SKIP per step. docs/connectors/sqlserver.md.
#
#   scripts/validate-sqlserver.sh 'Server=host;Port=1433;Database=SCRATCH;UID=user;PWD=secret' [--keep]
#
# Needs: tfctl (on PATH, or TFCTL=/path/to/tfctl), isql (unixodbc), FreeTDS (tdsodbc), sqlite3, jq.
# Creates and drops tf_validate_parcel and tf_validate_back in the login's default schema
# (--keep leaves them). The password is passed to the tools, never printed.
set -uo pipefail

usage() { echo "usage: $0 'Server=host;Port=1433;Database=DB;UID=user;PWD=password' [--keep]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
connection=$1
keep=0
[[ ${2:-} == --keep ]] && keep=1
[[ $# -le 2 && ( -z ${2:-} || $keep -eq 1 ) ]] || usage

# key=value pairs of the connection string, keys case-insensitive.
value() {
    local key=${1,,} pair k
    IFS=';' read -ra pairs <<< "$connection"
    for pair in "${pairs[@]}"; do
        k=${pair%%=*}
        k=${k//[[:space:]]/}
        if [[ ${k,,} == "$key" ]]; then printf '%s' "${pair#*=}"; return; fi
    done
}
host=$(value server); port=$(value port); database=$(value database); user=$(value uid); password=$(value pwd)
port=${port:-1433}
if [[ -z $host || -z $database || -z $user ]]; then
    echo "$0: the connection string needs Server, Database, UID (and PWD)" >&2
    exit 2
fi
driver=${TF_FREETDS_DRIVER:-/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so}
tfctl=${TFCTL:-tfctl}
for tool in isql sqlite3 jq "$tfctl"; do
    command -v "$tool" > /dev/null || { echo "$0: $tool is not installed" >&2; exit 2; }
done
[[ -f $driver ]] || { echo "$0: FreeTDS driver $driver is missing (Debian: tdsodbc)" >&2; exit 2; }

odbc="Driver=$driver;Server=$host;Port=$port;Database=$database;TDS_Version=7.4;ClientCharset=UTF-8;UID=$user;PWD=$password"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# Runs T-SQL through isql; prints the rows (| separated); fails on any driver error.
tsql() {
    local out
    out=$(printf '%s\n' "$1" | isql -b -q -d'|' -k "$odbc" 2> "$work/isql.err")
    local rc=$?
    if [[ $rc -ne 0 ]] || grep -q '^\[' "$work/isql.err" || grep -q '^\[' <<< "$out"; then
        sed 's/PWD=[^;]*/PWD=***/g' "$work/isql.err" >&2
        return 1
    fi
    printf '%s\n' "$out" | sed '/^SQLRowCount/d;/^$/d'
}

step() { # step NAME COMMAND...: PASS or FAIL
    local name=$1; shift
    if "$@" > "$work/step.log" 2>&1; then
        printf 'PASS  %s\n' "$name"
    else
        printf 'FAIL  %s\n' "$name"
        sed 's/^/      /' "$work/step.log" | tail -20
        failures=$((failures + 1))
    fi
}

export TF_DATA_DIR="$work/platform"
run_pair() { # run_pair NAME: the run's JSON, and fails unless completed without quarantine
    "$tfctl" sync run "$1" --json > "$work/run.json" || return 1
    jq -e '.status == "completed" and .totals.quarantined == 0' "$work/run.json" > /dev/null || { cat "$work/run.json"; return 1; }
}
writes() { jq '.totals.inserted + .totals.updated + .totals.deleted' "$work/run.json"; }

connect() { tsql "SELECT @@VERSION" | head -1; }
scratch() {
    tsql "DROP TABLE IF EXISTS tf_validate_parcel; DROP TABLE IF EXISTS tf_validate_back;
CREATE TABLE tf_validate_parcel (parcel_id int NOT NULL PRIMARY KEY, owner_id uniqueidentifier NULL, assessed money NULL,
  changed datetime2(7) NULL, notes nvarchar(max) NULL, rv rowversion);
CREATE TABLE tf_validate_back (parcel_id int NOT NULL PRIMARY KEY, owner_id uniqueidentifier NULL, assessed money NULL,
  changed datetime2(7) NULL, notes nvarchar(max) NULL);
INSERT INTO tf_validate_parcel (parcel_id, owner_id, assessed, changed, notes) VALUES
  (1, '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', 123456789012345.6789, '2024-03-10T08:30:00.1234560', N'Zoë Ørsted 😀'),
  (2, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', -0.0001, '0001-01-01T00:00:00', REPLICATE(CAST(N'long ' AS nvarchar(max)), 20000)),
  (3, NULL, NULL, NULL, NULL);"
}
platform() {
    "$tfctl" init --data-dir "$TF_DATA_DIR" > /dev/null || return 1
    sqlite3 "$work/copy.db" "CREATE TABLE parcel (parcel_id INTEGER PRIMARY KEY, owner_id TEXT, assessed TEXT, changed TIMESTAMP, notes TEXT)" || return 1
    jq -n --arg h "$host" --argjson p "$port" --arg d "$database" --arg u "$user" --arg w "$password" --arg drv "$driver" \
        '{name: "validate-sqlserver", kind: "sqlserver", settings: {host: $h, port: $p, database: $d, driver: $drv},
          credentials: {user: $u, password: $w}}' | "$tfctl" system add - > /dev/null || return 1
    jq -n --arg path "$work/copy.db" '{name: "validate-sqlite", kind: "sqlite", settings: {path: $path}}' | "$tfctl" system add - > /dev/null || return 1
    "$tfctl" system test validate-sqlserver
}
pair() { # pair NAME MODE FROM TO FROM_ENTITY TO_ENTITY [CURSOR_COLUMN | CURSOR_JSON]
    local from to
    from=$("$tfctl" system show "$3" --json | jq .id) && to=$("$tfctl" system show "$4" --json | jq .id) || return 1
    jq -n --arg name "$1" --arg mode "$2" --argjson from "$from" --argjson to "$to" --arg se "$5" --arg te "$6" --arg cursor "${7:-}" '
        {name: $name, mode: $mode, source_system_id: $from, target_system_id: $to,
         entities: [{name: "parcel", source: {entity: $se, key: ["parcel_id"]}, target: {entity: $te, key: ["parcel_id"]},
                     mapping: {fields: [ "parcel_id", "owner_id", "assessed", "changed", "notes" ] | map({target: ., source: .})}}]}
        + (if $cursor == "" then {} elif ($cursor | startswith("{")) then {cursor: ($cursor | fromjson)}
           else {cursor: {column: $cursor}} end)' | "$tfctl" pair add - > /dev/null
}
read_full() {
    pair validate-read full validate-sqlserver validate-sqlite tf_validate_parcel parcel && run_pair validate-read || return 1
    [[ $(writes) -eq 3 ]] || { echo "expected 3 rows written, got $(writes)"; return 1; }
    [[ $(sqlite3 "$work/copy.db" "SELECT notes FROM parcel WHERE parcel_id = 1") == "Zoë Ørsted 😀" ]] || { echo "non-ASCII text changed"; return 1; }
    [[ $(sqlite3 "$work/copy.db" "SELECT owner_id FROM parcel WHERE parcel_id = 1") == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" ]] || { echo "uniqueidentifier not read as a UUID"; return 1; }
}
hash_mode() {
    pair validate-hash hash validate-sqlserver validate-sqlite tf_validate_parcel parcel && run_pair validate-hash && run_pair validate-hash || return 1
    [[ $(writes) -eq 0 ]] || { echo "an unchanged hash run wrote $(writes) rows"; return 1; }
}
cursor_mode() {
    pair validate-cursor cursor validate-sqlserver validate-sqlite tf_validate_parcel parcel rv && run_pair validate-cursor
}
write_back() {
    pair validate-write full validate-sqlite validate-sqlserver parcel tf_validate_back && run_pair validate-write || return 1
    local diff
    diff=$(tsql "SELECT COUNT(*) FROM (SELECT parcel_id, owner_id, assessed, changed, notes FROM tf_validate_parcel
                 EXCEPT SELECT parcel_id, owner_id, assessed, changed, notes FROM tf_validate_back) AS d") || return 1
    [[ $(tail -1 <<< "$diff") == 0 ]] || { echo "rows differ after the round trip: $diff"; return 1; }
}
change_tracking() { # the connector's own Change Tracking runs (cursor kind change_tracking)
    local version
    version=$(tsql "SELECT COALESCE(CAST(CHANGE_TRACKING_CURRENT_VERSION() AS varchar(20)), 'off')") || return 1
    if [[ $(tail -1 <<< "$version") == off ]]; then
        echo "SKIP: Change Tracking is off in this database (ALTER DATABASE ... SET CHANGE_TRACKING = ON)"
        return 0
    fi
    tsql "ALTER TABLE tf_validate_parcel ENABLE CHANGE_TRACKING" || return 1
    sqlite3 "$work/copy.db" "CREATE TABLE parcel_ct (parcel_id INTEGER PRIMARY KEY, owner_id TEXT, assessed TEXT, changed TIMESTAMP, notes TEXT)" || return 1
    pair validate-ct cursor validate-sqlserver validate-sqlite tf_validate_parcel parcel_ct '{"kind": "change_tracking"}' || return 1
    # First run: a full load, storing the version read before it.
    run_pair validate-ct || return 1
    [[ $(writes) -eq 3 ]] || { echo "first run: expected 3 rows written, got $(writes)"; return 1; }
    # One insert, one update, one delete: read from CHANGETABLE, the delete by the key it names.
    tsql "UPDATE tf_validate_parcel SET assessed = 1 WHERE parcel_id = 3; DELETE FROM tf_validate_parcel WHERE parcel_id = 2;
          INSERT INTO tf_validate_parcel (parcel_id, notes) VALUES (4, N'added')" || return 1
    run_pair validate-ct || return 1
    [[ $(writes) -eq 3 ]] || { echo "changes run: expected 3 changes written, got $(writes)"; cat "$work/run.json"; return 1; }
    [[ $(sqlite3 "$work/copy.db" "SELECT group_concat(parcel_id) FROM (SELECT parcel_id FROM parcel_ct ORDER BY parcel_id)") == "1,3,4" ]] \
        || { echo "rows after the changes: $(sqlite3 "$work/copy.db" "SELECT group_concat(parcel_id) FROM parcel_ct")"; return 1; }
    [[ $(sqlite3 "$work/copy.db" "SELECT assessed FROM parcel_ct WHERE parcel_id = 3") == 1* ]] || { echo "the update was not applied"; return 1; }
    # Nothing changed since: nothing written.
    run_pair validate-ct || return 1
    [[ $(writes) -eq 0 ]] || { echo "an unchanged run wrote $(writes) rows"; return 1; }
}
# The cdc target's T-SQL (shared/sync/cdc/odbccdcstatements.cpp and odbcdialect.cpp, word for word
# as tst_sqlserverdialect checks it), literals in place of the bound values, in one transaction
# that is rolled back: the position table created, saved, not moved backwards; a table MERGE and
# a partial UPDATE on tf_validate_back. Skipped where tf_cdc_position exists already.
bind() { # bind SQL VALUE...: each ? replaced by the next value
    local sql=$1 v; shift
    for v in "$@"; do sql=${sql/\?/$v}; done
    printf '%s' "$sql"
}
cdc_target() {
    local exists create position merge update out
    exists=$(tsql "SELECT CASE WHEN OBJECT_ID('tf_cdc_position') IS NULL THEN 'no' ELSE 'yes' END") || return 1
    if [[ $(tail -1 <<< "$exists") == yes ]]; then
        echo "SKIP: tf_cdc_position exists in this database already"
        return 0
    fi
    create="CREATE TABLE tf_cdc_position (pair_id nvarchar(191) NOT NULL, slot nvarchar(191) NOT NULL, system_id nvarchar(64) NOT NULL, timeline INTEGER NOT NULL, end_lsn BIGINT NOT NULL, updated_at nvarchar(40) NOT NULL, PRIMARY KEY (pair_id, slot))"
    position="MERGE INTO tf_cdc_position WITH (HOLDLOCK) AS t USING (VALUES (?, ?, ?, ?, CAST(? AS bigint), ?)) AS s (pair_id, slot, system_id, timeline, end_lsn, updated_at) ON t.pair_id = s.pair_id AND t.slot = s.slot WHEN MATCHED AND t.end_lsn <= s.end_lsn THEN UPDATE SET t.system_id = s.system_id, t.timeline = s.timeline, t.end_lsn = s.end_lsn, t.updated_at = s.updated_at WHEN NOT MATCHED THEN INSERT (pair_id, slot, system_id, timeline, end_lsn, updated_at) VALUES (s.pair_id, s.slot, s.system_id, s.timeline, s.end_lsn, s.updated_at);"
    merge="MERGE INTO [tf_validate_back] WITH (HOLDLOCK) AS t USING (VALUES (?, ?)) AS s ([parcel_id], [notes]) ON t.[parcel_id] = s.[parcel_id] WHEN MATCHED THEN UPDATE SET t.[notes] = s.[notes] WHEN NOT MATCHED THEN INSERT ([parcel_id], [notes]) VALUES (s.[parcel_id], s.[notes]);"
    update="UPDATE [tf_validate_back] SET [notes] = ? WHERE ([parcel_id] = ?)"
    out=$(tsql "SET NOCOUNT ON; SET XACT_ABORT ON; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
BEGIN TRANSACTION; DECLARE @saved int, @older int, @merged int, @updated int;
$create;
$(bind "$position" "N'validate'" "N'tf_pair_validate'" "N'7301'" 1 "'1000'" "N'2026-01-01T00:00:00.000Z'"); SET @saved = @@ROWCOUNT;
$(bind "$position" "N'validate'" "N'tf_pair_validate'" "N'7301'" 1 "'999'" "N'2026-01-01T00:00:01.000Z'"); SET @older = @@ROWCOUNT;
$(bind "$merge" 4 "N'cdc Zoë'") SET @merged = @@ROWCOUNT;
$(bind "$update" "N'cdc updated'" 4); SET @updated = @@ROWCOUNT;
SELECT CONCAT(@saved, ',', @older, ',', (SELECT end_lsn FROM tf_cdc_position), ',', @merged, ',', @updated);
ROLLBACK") || return 1
    [[ $(tail -1 <<< "$out") == "1,0,1000,1,1" ]] || { echo "expected 1,0,1000,1,1 (saved, older not saved, end_lsn, merged, updated), got: $out"; return 1; }
}
cleanup() { tsql "DROP TABLE IF EXISTS tf_validate_parcel; DROP TABLE IF EXISTS tf_validate_back" > /dev/null; }

echo "validating SQL Server at $host:$port, database $database, as $user (TDS 7.4)"
step "connect (FreeTDS, TDS 7.4, UTF-8)" connect
if ((failures)); then
    echo "SQL Server at $host:$port did not answer (TDS 7.4): nothing more to validate"
    exit 1
fi
step "scratch table (datetime2(7), uniqueidentifier, money, nvarchar(max), rowversion)" scratch
step "connector connects (tfctl system test)" platform
step "read: full run into SQLite, values exact" read_full
step "hash: HASHBYTES on the server, an unchanged run writes nothing" hash_mode
step "cursor: rowversion cursor run" cursor_mode
step "write: MERGE back into SQL Server, compared with EXCEPT" write_back
step "Change Tracking: first load, then inserts, updates and deletes from CHANGETABLE" change_tracking
step "cdc target: position table, never-backwards MERGE, table MERGE and UPDATE (rolled back)" cdc_target
if ((keep == 0)); then step "cleanup" cleanup; fi
if ((failures)); then
    echo "$failures step(s) failed"
    exit 1
fi
echo "all steps passed"

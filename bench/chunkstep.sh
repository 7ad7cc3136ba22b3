# Sourced by bench/run.sh: the chunked full load (issue 16 item 5) through tf-syncd, with 1 and
# with 2 workers, on the pair shape of the full sync step (mapping + 3 rules), src -> dstk.
# The control database is tfctl's (SQLite, one node); chunk_rows is a eighth of the table, so
# the load is 8 key-range chunks; the operation is queued with one INSERT and timed from it
# to its finished_at (tf-syncd polls every 100 ms). Sets CHUNK_1 and CHUNK_2 (seconds).
# Since session 8 a load is chunked only when two chunks can run at once: with 1 worker
# (workers_per_pair 1) it runs in one piece, the full path, and "0 chunks" is expected.
TFSYNCD=$(dirname "$TFCTL")/tf-syncd
CONTROL_DB=$TFDATA/terrafusion.db

chunk_step() # workers
{
    local workers=$1 port pid pair op status t0 ready=0
    [[ -x $TFSYNCD ]] || die "no tf-syncd at $TFSYNCD"
    pq postgres -c "DROP DATABASE IF EXISTS dstk" -c "CREATE DATABASE dstk"
    empty_table dstk
    add_pair "bench-chunks-$workers" "$SYS_SRC" "$SYS_DSTK" hash ", \"workers_per_pair\": $workers"
    pair=$(sqlite3 "$CONTROL_DB" "SELECT id FROM sync_pairs WHERE name = 'bench-chunks-$workers'")
    [[ -n $pair ]] || die "pair bench-chunks-$workers was not created, see $OUT/tfctl.err"
    port=$((20000 + RANDOM % 40000))
    TF_SYNC__WORKERS=$workers TF_SYNC__CHUNK_ROWS=$(((ROWS + 7) / 8)) TF_SYNC__POLL_INTERVAL_MS=100 \
        TF_SYNC__SCHEDULER=false "$TFSYNCD" --port "$port" --data-dir "$TFDATA" \
        >"$OUT/chunks-$workers.syncd.log" 2>&1 &
    pid=$!
    for _ in $(seq 300); do
        if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1; break; fi
        sleep 0.1
    done
    ((ready)) || { kill "$pid"; die "tf-syncd did not start, see $OUT/chunks-$workers.syncd.log"; }
    t0=$(now)
    op=$(sqlite3 "$CONTROL_DB" "INSERT INTO sync_operations (pair_id, status, mode, dry_run, full_resync,
        trigger, attempt, created_at) VALUES ($pair, 'queued', 'full', 0, 1, 'manual', 0,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) RETURNING id")
    while :; do
        status=$(sqlite3 "$CONTROL_DB" "SELECT status FROM sync_operations WHERE id = $op")
        [[ $status == queued || $status == running ]] || break
        sleep 0.05
    done
    WALL=$(since "$t0")
    kill "$pid"; wait "$pid" || true
    [[ $status == completed ]] || die "chunked load with $workers worker(s): $status, see $OUT/chunks-$workers.syncd.log"
    [[ $(checksum dstk) == "$(checksum src)" ]] || die "after the chunked load with $workers worker(s) dstk differs from src"
    CHUNKS=$(sqlite3 "$CONTROL_DB" "SELECT count(*) || ' chunks' FROM operation_chunks WHERE operation_id = $op AND status = 'done'")
    sqlite3 "$CONTROL_DB" "SELECT line FROM operation_logs WHERE operation_id = $op ORDER BY id" >"$OUT/chunks-$workers.oplog"
    log "chunked full load, $workers worker(s): $WALL s, $CHUNKS (load $(loadavg))"
}

chunk_steps()
{
    SYS_DSTK=$(add_system bench-dstk dstk)
    [[ -n $SYS_DSTK ]] || die "tfctl system add failed, see $OUT/tfctl.err"
    chunk_step 1; CHUNK_1=$WALL
    [[ $CHUNKS == "0 chunks" ]] || die "with 1 worker the load was cut into $CHUNKS (expected one piece)"
    record "tf-syncd full load, 1 worker (not chunked: 1 at once)" "$CHUNK_1" "$(ratio "$CHUNK_1" "$PIPE")" "-" "-" \
        "$CHUNKS; load $(loadavg)"
    chunk_step 2; CHUNK_2=$WALL
    [[ $CHUNKS == "8 chunks" ]] || die "with 2 workers the load was cut into $CHUNKS (expected 8)"
    record "chunked full load via tf-syncd, 2 workers" "$CHUNK_2" "$(ratio "$CHUNK_2" "$PIPE")" "-" "-" \
        "$CHUNKS; 1 worker / 2 workers = $(ratio "$CHUNK_1" "$CHUNK_2"); load $(loadavg)"
    record "chunked, 2 workers vs tfctl full sync (syncd s / tfctl s)" "-" "$(ratio "$CHUNK_2" "$FULL")x" \
        "-" "-" "tfctl $FULL s; 2 workers on $(nproc) cores"
    pq postgres -c "DROP DATABASE dstk"
}

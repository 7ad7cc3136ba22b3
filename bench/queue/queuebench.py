#!/usr/bin/env python3
"""Driver of bench/queue/run.sh (not a test): tf-syncd queue throughput and service overhead.

  queuebench.py throughput --bin DIR --work DIR --control URL --nodes N [--pairs 200]
      N tf-syncd nodes on one PostgreSQL control database; PAIRS pairs over tiny SQLite files
      (5 rows each). Round 1 queues every pair through POST /sync/<id>/start (5 rows to copy
      each); then ROUNDS no-op rounds queue every pair at once (one INSERT into sync_operations,
      the queue's table) with nothing to do, which measures the queue and the service (claim,
      open, compare, finish). Throughput = operations / (last finished_at - first created_at),
      from the operations' own timestamps; the median no-op round is the result.

  queuebench.py demo --bin DIR --work DIR [--reps 3] [--parcels 12000]
      The demo county (tfctl demo install): its four pairs run in dependency order once
      through `tfctl sync run` and once through tf-syncd (POST /sync/<id>/start, wait), each
      on a fresh install; prints both totals and their ratio.
"""
import argparse
import datetime
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

SECRET = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
DEMO_ORDER = ["propert", "owner", "value", "structure"]  # name fragments, dependency order


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", url, "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Node:
    def __init__(self, binary, data_dir, env, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--data-dir", data_dir],
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if http("GET", self.url + "/health/ready", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"tf-syncd on port {self.port} did not become ready; see {log}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def base_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TF_", "PG")) and k != "DATABASE_URL"}
    env["TF_SECRET_KEY"] = SECRET
    return env


def create(node, path, body):
    status, answer = http("POST", node.url + path, body)
    if status not in (200, 201):
        raise SystemExit(f"POST {path}: HTTP {status} {answer}")
    return answer["id"]


def wait_finished(node, ids, timeout=600):
    """Polls until every operation has finished; returns their JSON by id."""
    pending, done = set(ids), {}
    deadline = time.time() + timeout
    while pending:
        if time.time() > deadline:
            raise SystemExit(f"{len(pending)} operation(s) did not finish in {timeout} s")
        for op_id in list(pending):
            status, op = http("GET", f"{node.url}/sync-operations/{op_id}")
            if status == 200 and op["status"] not in ("queued", "running"):
                done[op_id] = op
                pending.discard(op_id)
        if pending:
            time.sleep(0.2)
    return done


def start_all(node, pairs):
    ids = []
    for pair in pairs:
        status, op = http("POST", f"{node.url}/sync/{pair}/start")
        if status != 202:
            raise SystemExit(f"POST /sync/{pair}/start: HTTP {status} {op}")
        ids.append(op["id"])
    return ids


def throughput(args):
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    source = os.path.join(work, "source.db")
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE parcel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value INTEGER NOT NULL)")
        db.executemany("INSERT INTO parcel VALUES (?, ?, ?)", [(i, f"parcel {i}", i * 7) for i in range(1, 6)])
    nodes = []
    try:
        for i in range(args.nodes):
            env = base_env()
            env.update({"DATABASE_URL": args.control, "TF_NODE__ID": f"bench-{i}"})
            for setting in args.sync:
                key, value = setting.split("=", 1)
                env["TF_SYNC__" + key.upper()] = value
            nodes.append(Node(os.path.join(args.bin, "tf-syncd"), os.path.join(work, f"node{i}"), env,
                              os.path.join(work, f"node{i}.log")))
        api = nodes[0]
        source_id = create(api, "/systems", {"name": "bench source", "kind": "sqlite", "settings": {"path": source}})
        pairs = []
        for p in range(args.pairs):
            target = os.path.join(work, f"target{p}.db")
            with sqlite3.connect(target) as db:
                db.execute("CREATE TABLE parcel_copy (source_id INTEGER PRIMARY KEY, name TEXT NOT NULL, value INTEGER NOT NULL)")
            target_id = create(api, "/systems", {"name": f"bench target {p}", "kind": "sqlite", "settings": {"path": target}})
            fields = [{"target": "source_id", "source": "id"}, {"target": "name", "source": "name"},
                      {"target": "value", "source": "value"}]
            pairs.append(create(api, "/sync-pairs", {
                "name": f"bench pair {p}", "source_system": source_id, "target_system": target_id,
                "mode": "hash", "batch_size": 100,
                "entities": [{"name": "parcel", "source": {"entity": "parcel", "key": ["id"]},
                              "target": {"entity": "parcel_copy", "key": ["source_id"]},
                              "mapping": {"fields": fields}}]}))
        results = {}
        # Round 1 through the REST API: every target gets its 5 rows.
        began = time.time()
        ops = wait_finished(api, start_all(api, pairs))
        bad = [op for op in ops.values() if op["status"] != "completed"]
        if bad:
            raise SystemExit(f"{len(bad)} operation(s) did not complete: {bad[0]}")
        first = min(parse_time(op["created_at"]) for op in ops.values())
        last = max(parse_time(op["finished_at"]) for op in ops.values())
        results["initial"] = {"ops": len(ops), "seconds": last - first, "ops_per_s": len(ops) / (last - first)}
        print(f"nodes={args.nodes} initial (POST /sync/<id>/start one by one): {len(ops)} ops in "
              f"{last - first:.2f} s = {len(ops) / (last - first):.1f} ops/s", flush=True)
        # Rounds 2-4: nothing to do. Every pair is queued at once in one transaction (the queue
        # directly), so the rate is the nodes' and not this script's.
        rates, sustained = [], []
        for rnd in range(args.rounds):
            psql(args.control, "INSERT INTO sync_operations (pair_id, mode, trigger) "
                               "SELECT id, 'hash', 'manual' FROM sync_pairs")
            deadline = time.time() + 600
            while int(psql(args.control, "SELECT count(*) FROM sync_operations "
                                         "WHERE status IN ('queued', 'running')")) > 0:
                if time.time() > deadline:
                    raise SystemExit("the no-op round did not finish in 600 s")
                time.sleep(0.2)
            row = psql(args.control,
                       "SELECT count(*), count(*) FILTER (WHERE status <> 'completed'), "
                       "extract(epoch FROM max(finished_at) - min(created_at)), "
                       "extract(epoch FROM max(finished_at) - min(started_at)) FROM sync_operations "
                       "WHERE id > (SELECT max(id) FROM sync_operations) - %d" % len(pairs)).split("|")
            count, bad, seconds, busy = int(row[0]), int(row[1]), float(row[2]), float(row[3])
            if bad:
                raise SystemExit(f"{bad} no-op operation(s) did not complete")
            nodes_used = psql(args.control,
                              "SELECT string_agg(node_id || '=' || n, ' ') FROM (SELECT node_id, count(*) n "
                              "FROM sync_operations WHERE id > (SELECT max(id) FROM sync_operations) - %d "
                              "GROUP BY node_id ORDER BY node_id) t" % len(pairs))
            rates.append(count / seconds)
            sustained.append(count / busy)
            print(f"nodes={args.nodes} no-op round {rnd + 1}: {count} ops in {seconds:.2f} s = "
                  f"{count / seconds:.1f} ops/s from the INSERT; {count / busy:.1f} ops/s from the "
                  f"first claim (idle nodes poll every 500 ms) ({nodes_used})", flush=True)
        results["no-op"] = {"ops_per_s": sorted(rates)[len(rates) // 2], "rates": rates}
        results["no-op from first claim"] = {"ops_per_s": sorted(sustained)[len(sustained) // 2]}
        with open(os.path.join(work, "result.json"), "w") as out:
            json.dump(results, out)
    finally:
        for node in nodes:
            node.stop()


def demo_install(args, data_dir):
    shutil.rmtree(data_dir, ignore_errors=True)
    env = base_env()
    subprocess.run([os.path.join(args.bin, "tfctl"), "demo", "install", "--parcels", str(args.parcels),
                    "--data-dir", data_dir], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def demo_order(data_dir):
    """The demo's pair ids in dependency order (property first: the others reference it)."""
    with sqlite3.connect(os.path.join(data_dir, "terrafusion.db")) as db:
        pairs = list(db.execute("SELECT id, name FROM sync_pairs"))
    return [next(pid for pid, name in pairs if key in name.lower()) for key in DEMO_ORDER]


def demo(args):
    os.makedirs(args.work, exist_ok=True)
    tool_total, service_total, service_wall_total = [], [], []
    for rep in range(args.reps):
        # Through the library: one `tfctl sync run` per pair.
        data_dir = os.path.join(args.work, f"tfctl-{rep}")
        env = demo_install(args, data_dir)
        order = demo_order(data_dir)
        began = time.time()
        for pair in order:
            subprocess.run([os.path.join(args.bin, "tfctl"), "sync", "run", str(pair), "--data-dir", data_dir],
                           env=env, check=True, stdout=subprocess.DEVNULL)
        tool = time.time() - began

        # Through the service: POST start, wait, next pair.
        data_dir = os.path.join(args.work, f"syncd-{rep}")
        env = demo_install(args, data_dir)
        env["TF_NODE__ID"] = "bench-demo"
        node = Node(os.path.join(args.bin, "tf-syncd"), data_dir, env, os.path.join(args.work, f"syncd-{rep}.log"))
        try:
            order = demo_order(data_dir)
            service, began = 0.0, time.time()
            for pair in order:
                op = wait_finished(node, start_all(node, [pair]))
                op = next(iter(op.values()))
                if op["status"] not in ("completed", "completed_with_errors"):
                    raise SystemExit(f"pair {pair}: {op}")
                service += parse_time(op["finished_at"]) - parse_time(op["created_at"])
            service_wall = time.time() - began
        finally:
            node.stop()
        ratio = service / tool
        print(f"demo rep {rep + 1}: tfctl sync run x4 {tool:.2f} s (wall, 4 processes); tf-syncd "
              f"{service:.2f} s (created_at -> finished_at, summed; wall incl. 0.2 s polling "
              f"{service_wall:.2f} s); ratio {ratio:.3f}", flush=True)
        tool_total.append(tool)
        service_total.append(service)
        service_wall_total.append(service_wall)
    best_tool, best_service = min(tool_total), min(service_total)
    print(f"demo best of {args.reps}: tfctl {best_tool:.2f} s, tf-syncd {best_service:.2f} s, "
          f"ratio {best_service / best_tool:.3f}; medians tfctl {sorted(tool_total)[len(tool_total) // 2]:.2f} s, "
          f"tf-syncd {sorted(service_total)[len(service_total) // 2]:.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--bin", required=True)
    t.add_argument("--work", required=True)
    t.add_argument("--control", required=True)
    t.add_argument("--nodes", type=int, default=1)
    t.add_argument("--pairs", type=int, default=200)
    t.add_argument("--rounds", type=int, default=3)
    t.add_argument("--sync", action="append", default=[], help="KEY=VALUE for TF_SYNC__KEY")
    d = sub.add_parser("demo")
    d.add_argument("--bin", required=True)
    d.add_argument("--work", required=True)
    d.add_argument("--reps", type=int, default=3)
    d.add_argument("--parcels", type=int, default=12000)
    args = parser.parse_args()
    {"throughput": throughput, "demo": demo}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

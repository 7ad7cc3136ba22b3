-- 0012_service_nodes (issue 15): the node registry behind GET /api/services.
-- Every tf-gateway and tf-syncd process writes its row when it starts, refreshes heartbeat_at
-- every heartbeat_ms ([node] heartbeat_ms) and sets stopped_at on a clean stop. A row whose
-- heartbeat is older than three of its intervals without stopped_at is a process that died
-- ("stale"). Keyed by (service, node_id): a gateway and the tf-syncd it supervises may share
-- one [node] id. supervisor: the node id of the gateway that supervises this tf-syncd (its
-- restarts are recorded in service_events under that node). A process that starts on the same
-- host and URL replaces the rows of its predecessors; rows stopped or silent for 7 days are pruned.
CREATE TABLE service_nodes (
    service TEXT NOT NULL CHECK (service IN ('tf-gateway', 'tf-syncd')),
    node_id TEXT NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    supervisor TEXT NOT NULL DEFAULT '',
    heartbeat_ms INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    stopped_at TEXT,
    PRIMARY KEY (service, node_id)
);
CREATE INDEX service_events_node_idx ON service_events (node, service, event, created_at);

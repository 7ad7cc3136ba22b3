#!/usr/bin/env bash
# Install test of the two Debian packages, done as an administrator would:
#   0. bad ground first: with a terrafusion user that has another home and port 5000 taken,
#      the install succeeds and says what is wrong; then purge;
#   1. build and check both packages (packaging/check-packages.sh), then apt-get install them;
#   2. start tf-syncd and tf-gateway as the packaged units say: through systemd where it runs,
#      otherwise as the units' User= with their ExecStart=, EnvironmentFile= and UMask=;
#   3. sign in with the initial admin password, install and sync the demo through the API,
#      run `tfctl backup` as the service user;
#   4. start the installed tf-console under Xvfb and wait for its sign-in dialog;
#   5. upgrade to a package of a bumped version: the data, the users, the backup and an
#      edited conffile are kept, and the services come back on the new package;
#   6. apt-get purge: no package file, no user, no /var/lib/terrafusion, no /etc/terrafusion.
# It installs packages on this machine, so it needs root; scripts/test.sh runs it when root.
# Whatever happens, the packages are purged at the end.
#   packaging/test-install.sh [--build-dir DIR]      (default build/release)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$ROOT/build/release"
while (($#)); do
    case "$1" in
        --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift 2 ;;
        *) printf 'test-install.sh: unknown argument "%s"\n' "$1" >&2; exit 2 ;;
    esac
done
build_dir="$(cd "$build_dir" 2>/dev/null && pwd)" || { echo "${0##*/}: no build folder" >&2; exit 2; }
if ((EUID != 0)); then
    echo "test-install.sh: needs root (it installs and purges packages on this machine)" >&2
    exit 2
fi

DATA=/var/lib/terrafusion
GATEWAY=http://127.0.0.1:5000
SYNCD=http://127.0.0.1:8080
log() { printf '==> install test: %s\n' "$*"; }
die() { printf 'FAIL: install test: %s\n' "$*" >&2; exit 1; }

work="$(mktemp -d /tmp/tf-install-test.XXXXXX)"
chmod 0755 "$work"
systemd_running=0
[[ -d /run/systemd/system ]] && systemd_running=1
pids=()

stop_services() {
    if ((systemd_running)); then
        systemctl stop tf-gateway.service tf-syncd.service 2>/dev/null || true
        return
    fi
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    pids=()
}
cleanup() {
    local rc=$?
    stop_services
    if dpkg-query -W -f='${Status}' terrafusion-server terrafusion-console 2>/dev/null | grep -q installed; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -q terrafusion-server terrafusion-console >/dev/null 2>&1 || true
    fi
    if ((rc != 0)); then
        for f in "$work"/*.log; do
            [[ -s "$f" ]] || continue
            echo "---- $(basename "$f") (last 40 lines)" >&2
            tail -n 40 "$f" >&2
        done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 5000 8080; do
    port_in_use "$port" && die "port $port is in use on this machine; the packaged services need it"
done
if dpkg-query -W -f='${Status}' terrafusion-server 2>/dev/null | grep -q installed; then
    die "terrafusion-server is already installed here; this test would remove it"
fi
if getent passwd terrafusion >/dev/null || [[ -e "$DATA" ]]; then
    die "a terrafusion user or $DATA exists already; this test would delete it"
fi

# --- 1. build, check and install ------------------------------------------------------------
bash "$ROOT/packaging/check-packages.sh" --build-dir "$build_dir" | tee "$work/check.log"
server_deb="$(sed -n 's/^package: \(.*terrafusion-server_.*\)$/\1/p' "$work/check.log")"
console_deb="$(sed -n 's/^package: \(.*terrafusion-console_.*\)$/\1/p' "$work/check.log")"
[[ -f "$server_deb" && -f "$console_deb" ]] || die "check-packages.sh did not name both packages"
version="$(dpkg-deb -f "$server_deb" Version)"
# apt reads local packages as the _apt user: give it copies it can reach.
cp "$server_deb" "$console_deb" "$work/"
server_deb="$work/$(basename "$server_deb")"
console_deb="$work/$(basename "$console_deb")"
chmod 0644 "$work"/*.deb

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
# --- 0. bad ground: a user with another home, port 5000 taken --------------------------------
log "bad ground: terrafusion user with home /srv/tf-elsewhere, port 5000 taken"
useradd --system --home-dir /srv/tf-elsewhere --no-create-home --shell /usr/sbin/nologin terrafusion
# perl-base is Essential: a listener on 5000 without installing anything.
perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 5000,
    Listen => 1, ReuseAddr => 1) or die "listen: $!"; $| = 1; print "ready\n"; sleep 300' >"$work/listener.out" 2>&1 &
listener=$!
for _ in $(seq 1 50); do grep -q ready "$work/listener.out" 2>/dev/null && break; sleep 0.1; done
apt_install "$server_deb" >"$work/apt-badground.log" 2>&1 || die "the install failed on bad ground; it must only warn"
grep -q "already exists with the home folder /srv/tf-elsewhere" "$work/apt-badground.log" \
    || die "postinst did not say that the terrafusion user has another home"
grep -q "port 5000 is already in use" "$work/apt-badground.log" || die "postinst did not say that port 5000 is taken"
[[ "$(dpkg-query -W -f='${Status}' terrafusion-server)" == "install ok installed" ]] \
    || die "after the bad-ground install terrafusion-server is '$(dpkg-query -W -f='${Status}' terrafusion-server)'"
kill "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q terrafusion-server >"$work/apt-badground-purge.log" 2>&1 \
    || die "purge after the bad-ground install failed"
getent passwd terrafusion >/dev/null && die "purge left the terrafusion user"
log "bad ground: installed with both warnings, purged"

log "apt-get install $(basename "$server_deb") $(basename "$console_deb")"
apt_install "$server_deb" "$console_deb" >"$work/apt-install.log" 2>&1 || die "apt-get install failed"
grep -q "initial password of the user admin" "$work/apt-install.log" \
    || die "postinst did not say where the initial admin password is"
getent passwd terrafusion >/dev/null || die "postinst did not create the terrafusion user"
[[ "$(stat -c '%a %U' "$DATA")" == "750 terrafusion" ]] || die "$DATA is $(stat -c '%a %U' "$DATA"), not 750 terrafusion"
[[ -L /etc/systemd/system/multi-user.target.wants/tf-syncd.service ]] || die "postinst did not enable tf-syncd.service"
systemd-analyze verify /lib/systemd/system/tf-syncd.service /lib/systemd/system/tf-gateway.service \
    >"$work/verify.log" 2>&1 || { cat "$work/verify.log" >&2; die "systemd-analyze verify refused the installed units"; }
log "installed; systemd-analyze verify accepts both units"

# --- 2. start the services as the units say -------------------------------------------------
unit_value() { sed -n "s/^$2=//p" "/lib/systemd/system/$1" | tail -n 1; }
start_unit() {
    local unit="$1" exec_start user env_file umask_value
    exec_start="$(unit_value "$unit" ExecStart)"
    user="$(unit_value "$unit" User)"
    env_file="$(unit_value "$unit" EnvironmentFile)"
    env_file="${env_file#-}"
    umask_value="$(unit_value "$unit" UMask)"
    local environment=()
    if [[ -f "$env_file" ]]; then
        mapfile -t environment < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$env_file" || true)
    fi
    # shellcheck disable=SC2086  # ExecStart is a command line of words, as systemd splits it
    (umask "$umask_value" && cd / && exec runuser -u "$user" -- env -i PATH=/usr/bin:/bin \
        HOME="$DATA" LANG=C.UTF-8 "${environment[@]}" $exec_start) >>"$work/$unit.log" 2>&1 &
    pids+=("$!")
}
wait_http() { # wait_http URL SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
start_services() {
    if ((systemd_running)); then
        systemctl start tf-syncd.service tf-gateway.service
    else
        start_unit tf-syncd.service
        wait_http "$SYNCD/health" 60 || die "tf-syncd did not answer on $SYNCD/health"
        start_unit tf-gateway.service
    fi
    wait_http "$SYNCD/health" 60 || die "tf-syncd did not answer on $SYNCD/health"
    wait_http "$GATEWAY/health" 60 || die "tf-gateway did not answer on $GATEWAY/health"
}
if ((systemd_running)); then
    log "systemd runs here: the units were started by postinst"
else
    log "no systemd here: starting the units' ExecStart lines as their User"
fi
start_services
# The process answering on the gateway's port is the installed one (other tf-gateway
# processes, of a developer's tests say, may run beside it as other users).
gateway_pid="$(ss -Hltnp "sport = :5000" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)"
[[ -n "$gateway_pid" ]] || die "nothing listens on port 5000"
[[ "$(stat -c %U "/proc/$gateway_pid")" == terrafusion ]] || die "tf-gateway on port 5000 does not run as terrafusion"

# --- 3. sign in, sync the demo, back up ------------------------------------------------------
password_file="$DATA/initial-admin-password"
for _ in $(seq 1 100); do [[ -s "$password_file" ]] && break; sleep 0.1; done
[[ -s "$password_file" ]] || die "no $password_file after the first start"
[[ "$(stat -c '%a %U' "$password_file")" == "600 terrafusion" ]] || die "$password_file is not 0600 terrafusion"
password="$(tr -d '\n' <"$password_file")"
sign_in() {
    jq -n --arg p "$password" '{username: "admin", password: $p}' \
        | curl -fsS --max-time 30 -H 'Content-Type: application/json' --data-binary @- "$GATEWAY/api/auth/login" \
        | jq -er .token
}
token="$(sign_in)" || die "signing in as admin with the initial password failed"
log "signed in as admin"
api() { curl -fsS --max-time 30 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
# The initial password must be changed before the gateway answers anything else.
new_password="$password-changed"
jq -n --arg c "$password" --arg n "$new_password" '{current_password: $c, new_password: $n}' \
    | api --data-binary @- "$GATEWAY/api/auth/password" >/dev/null || die "changing the initial admin password failed"
password="$new_password"

# No TF_DATA_DIR: tfctl finds the packaged service's data and settings by itself.
as_service() { runuser -u terrafusion -- env -i PATH=/usr/bin:/bin HOME="$DATA" LANG=C.UTF-8 "$@"; }
as_service tfctl demo install --if-missing --parcels 300 >"$work/demo.log" 2>&1 || die "tfctl demo install failed"
run_sync() { # run_sync PAIR: start a sync through the API, wait for its end, print its id
    local id state=""
    id="$(api --data "{\"pair_id\": $1}" "$GATEWAY/api/sync-operations" | jq -er .id)" || die "starting a sync of pair $1 failed"
    for _ in $(seq 1 600); do
        state="$(api "$GATEWAY/api/sync-operations/$id" | jq -r .status)"
        [[ "$state" == completed* || "$state" == failed || "$state" == cancelled ]] && break
        sleep 0.2
    done
    [[ "$state" == completed* ]] || die "the sync of pair $1 ended as '$state'"
    echo "$id"
}
operation="$(run_sync 1)"
status="$(api "$GATEWAY/api/sync-operations/$operation" | jq -r .status)"
synced="$(api "$GATEWAY/api/sync-operations/$operation" | jq -r '.statistics.totals.inserted // 0')"
[[ "$synced" -gt 0 ]] || die "the demo sync inserted no rows"
log "demo sync $operation: $status, $synced rows inserted"

as_service tfctl backup --label install-test >"$work/backup.log" 2>&1 || die "tfctl backup as terrafusion failed"
backup_count() { as_service tfctl list --json 2>/dev/null | jq '[.. | objects | select(has("label")) | select(.label == "install-test")] | length'; }
[[ "$(backup_count)" -ge 1 ]] || die "tfctl list does not show the install-test backup"
grep -q "^tfctl: control database sqlite://$DATA/terrafusion.db (data directory $DATA" "$work/backup.log" \
    || die "tfctl did not say it uses the packaged control database: $(head -n 1 "$work/backup.log")"
log "tfctl backup as terrafusion: done ($(head -n 1 "$work/backup.log"))"

# --- 4. the installed console reaches its sign-in dialog -------------------------------------
cat >"$work/console.sh" <<'EOF'
/usr/bin/tf-console --gateway http://127.0.0.1:5000 --user admin >"$1/console.out" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
    if xwininfo -root -tree 2>/dev/null | grep -q '"Sign in to TerraFusion'; then
        kill "$pid"; wait "$pid" 2>/dev/null; exit 0
    fi
    sleep 0.1
done
kill "$pid" 2>/dev/null; exit 1
EOF
xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/console.sh" "$work" >"$work/console.log" 2>&1 \
    || die "the installed tf-console did not show its sign-in dialog under Xvfb ($(cat "$work/console.out" 2>/dev/null))"
log "installed tf-console shows its sign-in dialog"

# --- 5. upgrade ------------------------------------------------------------------------------
echo "; edited by the install test" >>/etc/terrafusion/terrafusion.ini
bumped="${version}+upgradetest1"
log "building $bumped (the same binaries, a higher version)"
(cd "$work" && cpack --config "$build_dir/CPackConfig.cmake" -R "$bumped" -B "$work/bumped" >"$work/cpack-bumped.log" 2>&1) \
    || die "cpack of the bumped version failed"
bumped_deb="$(ls "$work"/bumped/terrafusion-server_"${bumped}"_*.deb 2>/dev/null | head -n 1)"
[[ -n "$bumped_deb" ]] || die "no terrafusion-server_${bumped}_*.deb"
chmod 0644 "$bumped_deb"
apt_install "$bumped_deb" >"$work/apt-upgrade.log" 2>&1 || die "apt-get install of the upgrade failed"
[[ "$(dpkg-query -W -f='${Version}' terrafusion-server)" == "$bumped" ]] || die "the upgrade did not install $bumped"
grep -q "edited by the install test" /etc/terrafusion/terrafusion.ini || die "the upgrade replaced the edited conffile"
# What systemd's restart does after an upgrade (postinst "restart"): the new binaries start
# on the old data and migrate it.
if ((systemd_running == 0)); then
    stop_services
    start_services
else
    wait_http "$GATEWAY/health" 60 || die "tf-gateway did not come back after the upgrade"
fi
token="$(sign_in)" || die "after the upgrade the admin password no longer works (users lost?)"
after="$(api "$GATEWAY/api/sync-operations/$operation" | jq -r .status)"
[[ "$after" == "$status" ]] || die "after the upgrade operation $operation is '$after', was '$status'"
[[ "$(backup_count)" -ge 1 ]] || die "after the upgrade the install-test backup is gone"
# The target and the sync state survived: a second sync finds every row already there.
again="$(run_sync 1)"
again_inserted="$(api "$GATEWAY/api/sync-operations/$again" | jq -r '.statistics.totals.inserted')"
again_unchanged="$(api "$GATEWAY/api/sync-operations/$again" | jq -r '.statistics.totals.unchanged')"
[[ "$again_inserted" == 0 && "$again_unchanged" -ge "$synced" ]] \
    || die "after the upgrade a new sync inserted $again_inserted and found $again_unchanged unchanged (expected 0 and $synced)"
log "upgraded to $bumped: users, operations, backups and the edited conffile kept"

# --- 6. purge --------------------------------------------------------------------------------
dpkg -L terrafusion-server terrafusion-console | sort -u >"$work/files.txt"
stop_services
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q terrafusion-server terrafusion-console >"$work/apt-purge.log" 2>&1 \
    || die "apt-get purge failed"
left=()
dpkg-query -W -f='${Status}' terrafusion-server 2>/dev/null | grep -q ' installed' && left+=("the terrafusion-server package")
dpkg-query -W -f='${Status}' terrafusion-console 2>/dev/null | grep -q ' installed' && left+=("the terrafusion-console package")
while read -r path; do
    [[ -z "$path" || -d "$path" ]] && continue
    [[ -e "$path" || -L "$path" ]] && left+=("$path")
done <"$work/files.txt"
getent passwd terrafusion >/dev/null && left+=("the user terrafusion")
getent group terrafusion >/dev/null && left+=("the group terrafusion")
for path in "$DATA" /etc/terrafusion /etc/default/terrafusion \
    /etc/systemd/system/multi-user.target.wants/tf-syncd.service \
    /etc/systemd/system/multi-user.target.wants/tf-gateway.service; do
    [[ -e "$path" || -L "$path" ]] && left+=("$path")
done
((${#left[@]} == 0)) || die "left after purge: ${left[*]}"
log "purged: nothing left"
log "passed"

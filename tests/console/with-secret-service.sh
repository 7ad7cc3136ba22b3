#!/bin/sh
# Runs a command with a real Secret Service: a private D-Bus session bus (dbus-run-session)
# and a fresh gnome-keyring-daemon, unlocked with an empty password, whose keyrings live in a
# temporary folder (never the user's own keychain). The console's "Remember me" tests run
# under it (tests/console/tests.cmake).
#   with-secret-service.sh COMMAND [ARG]...
set -eu
if [ "${TF_INSIDE_SECRET_SESSION:-}" != 1 ]; then
    command -v dbus-run-session >/dev/null || { echo "with-secret-service.sh: dbus-run-session missing (package dbus)" >&2; exit 1; }
    command -v gnome-keyring-daemon >/dev/null || { echo "with-secret-service.sh: gnome-keyring-daemon missing (package gnome-keyring)" >&2; exit 1; }
    TF_INSIDE_SECRET_SESSION=1 exec dbus-run-session -- "$0" "$@"
fi
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/data" "$home/data/keyrings" "$home/run"
export XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run"
# A "login" keyring without a password (gnome-keyring's plain format) as the default
# collection: a write then needs no prompt, which no display could show.
printf '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n' \
    > "$home/data/keyrings/login.keyring"
printf 'login' > "$home/data/keyrings/default"
chmod 600 "$home/data/keyrings/login.keyring" "$home/data/keyrings/default"
# --unlock reads the login keyring's password from stdin: empty, as the keyring has none.
eval "$(printf '' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"

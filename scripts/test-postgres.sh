#!/usr/bin/env bash
# Run a command (by default the test suite) against a throwaway PostgreSQL server.
#
# The server is a fresh cluster in a temporary directory, listening on 127.0.0.1 on a free
# port, with trust authentication; it is stopped and its directory removed on exit, whatever
# happened. The command gets DATABASE_URL pointing at it, and its exit code is ours.
#
# Usage: scripts/test-postgres.sh [COMMAND...]   (default: .venv/bin/python -m pytest)
# Environment: PG_BINDIR   directory holding initdb, pg_ctl and postgres (default: searched)
#              PG_USER     system user that runs the server when we are root (default postgres)
set -euo pipefail

cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    set -- .venv/bin/python -m pytest
fi

fail() {
    echo "test-postgres: $*" >&2
    exit 1
}

has_server_binaries() {
    [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]
}

# Print the directory of the newest PostgreSQL server binaries, looking in PATH first (resolving
# symlinks, so a link in /usr/local/bin leads to the real installation) and then where Debian
# puts them. Prints nothing when there are none.
find_server_binaries() {
    local initdb dir
    if initdb=$(command -v initdb 2>/dev/null); then
        dir=$(dirname "$(readlink -f "$initdb")")
        if has_server_binaries "$dir"; then
            echo "$dir"
            return
        fi
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
        if has_server_binaries "$dir"; then
            echo "$dir"
            return
        fi
    done
}

install_server() {
    command -v apt-get >/dev/null || fail "no PostgreSQL server found and apt-get is not available."
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "no PostgreSQL server found; install the 'postgresql' package."
        sudo=sudo
    fi
    echo "test-postgres: installing the Debian package 'postgresql'"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
}

if [ -n "${PG_BINDIR:-}" ]; then
    has_server_binaries "$PG_BINDIR" || fail "PG_BINDIR=$PG_BINDIR has no initdb, pg_ctl and postgres."
    bindir=$PG_BINDIR
else
    bindir=$(find_server_binaries)
    if [ -z "$bindir" ]; then
        install_server
        bindir=$(find_server_binaries)
        [ -n "$bindir" ] || fail "installed 'postgresql' but still found no server binaries."
    fi
fi

# initdb and postgres refuse to run as root: then the cluster belongs to an unprivileged user.
if [ "$(id -u)" -eq 0 ]; then
    db_user=${PG_USER:-postgres}
    if ! id -u "$db_user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$db_user"
    fi
    # From the work directory, which that user can enter, unlike perhaps the checkout.
    as_db_user() { (cd "$workdir" && runuser -u "$db_user" -- "$@"); }
else
    db_user=$(id -un)
    as_db_user() { "$@"; }
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/partybuild-pg.XXXXXX")
datadir=$workdir/data
server_started=no

cleanup() {
    if [ "$server_started" = yes ]; then
        as_db_user "$bindir/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 \
            || echo "test-postgres: could not stop the server in $datadir" >&2
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chown "$db_user" "$workdir"
as_db_user test -w "$workdir" \
    || fail "$db_user cannot write to $workdir; set TMPDIR to a directory it can reach."

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

echo "test-postgres: $("$bindir/postgres" --version) from $bindir, as $db_user, on 127.0.0.1:$port"
as_db_user "$bindir/initdb" --pgdata="$datadir" --username="$db_user" --auth=trust \
    --encoding=UTF8 --no-locale >"$workdir/initdb.log" 2>&1 \
    || { cat "$workdir/initdb.log" >&2; fail "initdb failed."; }

# Durability is pointless for a cluster that is deleted afterwards; turning it off makes
# the suite's many small transactions much faster.
cat >>"$datadir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$workdir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

server_started=yes
if ! as_db_user "$bindir/pg_ctl" -D "$datadir" -l "$workdir/server.log" -w -t 60 start >/dev/null; then
    cat "$workdir/server.log" >&2 || true
    fail "the PostgreSQL server did not start."
fi

# The exclusion constraints of the organisation migrations need btree_gist (contrib).
psql=$bindir/psql
[ -x "$psql" ] || psql=$(command -v psql) || fail "psql not found next to the server nor in PATH."
available=$(as_db_user "$psql" -h 127.0.0.1 -p "$port" -U "$db_user" -d postgres -Atqc \
    "SELECT count(*) FROM pg_available_extensions WHERE name = 'btree_gist'" 2>&1) \
    || fail "cannot query the server: $available"
[ "$available" = 1 ] || fail "the btree_gist extension is missing; install PostgreSQL's contrib modules."

export DATABASE_URL="postgres://$db_user@127.0.0.1:$port/postgres"
echo "test-postgres: DATABASE_URL=$DATABASE_URL"
status=0
"$@" || status=$?
exit "$status"

#!/usr/bin/env bash
# Makes sure a PostgreSQL server with PostGIS is reachable for the tests and prints
# the admin URL to use (DIMING_TEST_PG_URL).
#  - A server already answering on 127.0.0.1:5432 (as on the developers' machines) is
#    used as it is; PostGIS is installed from Debian's packages if it is missing.
#  - Otherwise PostgreSQL and PostGIS are installed from Debian's packages and a
#    private cluster is started on 127.0.0.1:55432 in $DIMING_PG_DIR (default
#    /tmp/diming-pg: a place the postgres user can reach, unlike a root-only checkout).
set -euo pipefail
log() { echo "[postgis] $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2 || true
  as_root apt-get install -y -qq "$@" >&2
}
have_postgis() {  # $1 = major version
  [ -f "/usr/share/postgresql/$1/extension/postgis.control" ]
}

existing_port=${DIMING_EXISTING_PG_PORT:-5432}  # where a running server is looked for
if pg_isready -q -h 127.0.0.1 -p "$existing_port" 2>/dev/null; then
  major=$(psql -h 127.0.0.1 -p "$existing_port" -U postgres -d postgres -Atc 'SHOW server_version_num' 2>/dev/null | cut -c1-2 || true)
  if [ -n "$major" ]; then
    if ! have_postgis "$major"; then
      log "installing postgresql-$major-postgis-3"
      apt_install "postgresql-$major-postgis-3"
    fi
    echo "postgresql+psycopg2://postgres@127.0.0.1:$existing_port/postgres"
    exit 0
  fi
fi

port=55432
if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL and PostGIS from Debian's packages"
  apt_install postgresql postgresql-postgis
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
major=$(basename "$(dirname "$bindir")")
have_postgis "$major" || apt_install "postgresql-$major-postgis-3"
pgdir="${DIMING_PG_DIR:-/tmp/diming-pg}"
data="$pgdir/data"
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -f "$data/PG_VERSION" ]; then
  log "creating a private cluster in $data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pgdir"
  run_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >&2
fi
if ! pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pgdir"
  run_pg "$bindir/pg_ctl" -D "$data" -l "$pgdir/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" start >&2
fi
echo "postgresql+psycopg2://postgres@127.0.0.1:$port/postgres"

#!/usr/bin/env bash
# Start a disposable PostgreSQL server on 127.0.0.1:54329 with a trust-auth role "paceqi"
# and a database "paceqi_test". Used by .ci/run and by `make pg` for local runs.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] || { echo "postgres: no server binaries (apt-get install postgresql)"; exit 1; }
DIR=${PACEQI_PG_DIR:-/tmp/paceqi-pg}
PORT=${PACEQI_PG_PORT:-54329}
if [ "$(id -u)" = "0" ]; then RUN=(runuser -u postgres --); chown_dir=1; else RUN=(); chown_dir=0; fi
if "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then exit 0; fi
rm -rf "$DIR"; mkdir -p "$DIR"
[ "$chown_dir" = 1 ] && chown postgres "$DIR"
"${RUN[@]}" "$PGBIN/initdb" -D "$DIR" -A trust -U postgres >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE ROLE paceqi LOGIN SUPERUSER" >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE paceqi_test OWNER paceqi" >/dev/null
echo "postgres: running on 127.0.0.1:$PORT"

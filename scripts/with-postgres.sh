#!/usr/bin/env bash
# Run a command against a private, throwaway PostgreSQL server.
# The server listens only on a Unix socket in a temp folder (no TCP), so parallel runs never
# collide and nothing listens on the network. BDC_TEST_DATABASE_URL points the tests at it.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found; apt-get install postgresql" >&2; exit 1; }

dir=$(mktemp -d)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=54329
cleanup() { as_pg "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

as_pg "$bin/initdb -D $dir/data -A trust -U bdc" >/dev/null
# shared_buffers as docs/performance.md advises for a clinic's server (PostgreSQL's 128 MB
# default filled up a minute into bench/load.py and every write then waited on evictions)
as_pg "$bin/pg_ctl -D $dir/data -o \"-p $port -k $dir -c listen_addresses= -c fsync=on -c shared_buffers=512MB\" -l $dir/log -w start" >/dev/null
"$bin/psql" -h "$dir" -p "$port" -U bdc -d postgres -qc "create database bdc_test" >/dev/null

export BDC_TEST_DATABASE_URL="postgresql+psycopg://bdc@/bdc_test?host=$dir&port=$port"
echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir (socket only)"
"$@"

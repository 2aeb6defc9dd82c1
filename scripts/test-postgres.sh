#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on loopback for the test suite (if not already
# running) and prints its URL, for TEST_DATABASE_URL.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=${PGTEST_DIR:-/tmp/vtn-pgtest}
port=${PGTEST_PORT:-55432}
as_pg=(); [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  rm -rf "$dir" && mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U vtn --auth=trust >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  "${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U vtn vtn_test
fi
echo "postgres://vtn@127.0.0.1:$port/vtn_test"

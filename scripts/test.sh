#!/usr/bin/env bash
# Set up, build and run the whole test suite (unit, conformance, integration;
# not the nightly 'slow' label). A loopback PostgreSQL server is started for the
# store conformance suite when PostgreSQL is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
STOCKTAKE_WARNINGS_AS_ERRORS=ON scripts/setup.sh

pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then
    "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap cleanup EXIT
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "${STOCKTAKE_TEST_PG_URL:-}" ] && [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
  pg_dir=$(mktemp -d /tmp/stocktake-pg.XXXXXX)
  pg_user=$(id -un)
  run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root; use the postgres system user.
    chown postgres "$pg_dir"
    run_as=(runuser -u postgres --)
    pg_user=postgres
  fi
  port=$((20000 + RANDOM % 20000))
  "${run_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U "$pg_user" >/dev/null
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-k $pg_dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  pg_ctl_as() { "${run_as[@]}" "$pg_bin/pg_ctl" "$@"; }
  cleanup() {
    pg_ctl_as -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  }
  export STOCKTAKE_TEST_PG_URL="postgresql://$pg_user@127.0.0.1:$port/postgres"
  echo "test: PostgreSQL on 127.0.0.1:$port"
fi

cd build
ctest --output-on-failure -j"$(nproc)" -LE slow
# Say what the skipped tests lacked: the real corpora of ../shared/data, which
# only the project's own machines have (see its README).
missing=$(grep -ho 'needs \.\./shared/[^ ]*' Testing/Temporary/LastTest.log | sort -u |
  sed -E 's|^needs (\.\./shared/[^/ ]+/[^/ ]+/[^/ ]+).*|\1|' | sort -u | paste -sd' ' || true)
if [ -n "$missing" ]; then
  echo "test: skipped tests need $missing beside the project (messages in build/Testing/Temporary/LastTest.log)"
fi

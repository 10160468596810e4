#!/usr/bin/env bash
# Runs every test of CodeIngest on a fresh machine: restores packages, builds the native
# tree-sitter library (MSBuild runs src/Grains/native/build-treesitter.sh once), builds the
# solution and runs the xunit tests (in-process Orleans clusters, real SQLite, real git, and a
# real PostgreSQL server).
#
# PostgreSQL: the script starts a throwaway server for the tests itself — initdb in a temporary
# directory (owned by the unprivileged `postgres` user when run as root), listening on 127.0.0.1
# only, on a free port, with `trust` authentication — and exports its connection string as
# CODEINGEST_TEST_POSTGRES. The server is stopped and its directory removed on exit, also when
# tests fail or the script is interrupted. Set CODEINGEST_TEST_POSTGRES yourself to use an
# existing server instead (the tests create and drop their own databases on it).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dotnet gcc npm git python3; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is required but not installed" >&2; exit 1; }
done

pg_dir=""
pg_bin=""
stop_postgres() {
  if [[ -n "$pg_dir" && -d "$pg_dir" ]]; then
    if [[ -f "$pg_dir/data/postmaster.pid" ]]; then
      as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
  fi
}

as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

find_pg_bin() {
  local candidate
  if command -v pg_config >/dev/null 2>&1; then
    candidate="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
      echo "$candidate"; return 0
    fi
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) /usr/local/pgsql/bin; do
    if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
      echo "$candidate"; return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

start_postgres() {
  pg_bin="$(find_pg_bin)" || {
    echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found; the PostgreSQL tests need them." >&2
    echo "       Install PostgreSQL 15 (e.g. apt-get install postgresql-15) or set CODEINGEST_TEST_POSTGRES to a server's connection string." >&2
    exit 1
  }
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "error: running as root but there is no 'postgres' user to run the throwaway PostgreSQL server as" >&2
    exit 1
  fi

  pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/codeingest-pg.XXXXXX")"
  trap stop_postgres EXIT
  trap 'exit 130' INT TERM
  chmod 755 "$pg_dir"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$pg_dir"; fi

  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    || as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; echo "error: initdb failed" >&2; exit 1; }

  # Loopback TCP only (no Unix socket outside the temp dir), tuned for throwaway test data.
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$pg_dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c timezone=UTC" >/dev/null \
    || { cat "$pg_dir/server.log" >&2; echo "error: the throwaway PostgreSQL server did not start" >&2; exit 1; }

  export CODEINGEST_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') for the tests: $CODEINGEST_TEST_POSTGRES (data in $pg_dir)"
}

if [[ -z "${CODEINGEST_TEST_POSTGRES:-}" ]]; then
  start_postgres
fi

dotnet build Cluster.sln -c Release -v q -nologo
dotnet test --solution Cluster.sln -c Release --no-build "$@"

# Style gate (file-scoped namespaces, naming, import order) as .editorconfig states it.
dotnet format Cluster.sln --verify-no-changes --no-restore -v q \
  || { echo "error: code style differs from .editorconfig; run 'dotnet format Cluster.sln' and commit" >&2; exit 1; }

#!/usr/bin/env bash
# PostgreSQL from Debian's packages: starts the cluster, ensures role `sentinel` (password
# $PG_PASSWORD, lib.sh) and databases `sentinel` and `sentinel_test`, on 127.0.0.1:5432.
source "$(dirname "$0")/lib.sh"

psql_admin() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }

up() {
  local version cluster
  read -r version cluster _ < <(pg_lsclusters -h | head -1) || true
  if [[ -z ${version:-} ]]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    as_root pg_createcluster "$version" main
    cluster=main
  fi
  pg_lsclusters -h | grep -q "^$version *$cluster .* online" || as_root pg_ctlcluster "$version" "$cluster" start
  wait_for 30 "PostgreSQL" as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432"
  psql_admin "DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sentinel') THEN CREATE ROLE sentinel LOGIN SUPERUSER; END IF; END \\\$\\\$;"
  psql_admin "ALTER ROLE sentinel PASSWORD '$PG_PASSWORD'"
  for db in sentinel sentinel_test; do
    [[ $(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$db'") == 1 ]] || psql_admin "CREATE DATABASE $db OWNER sentinel"
  done
  log "PostgreSQL $version/$cluster up on 127.0.0.1:5432"
}

down() { pg_lsclusters -h | while read -r v c _; do as_root pg_ctlcluster "$v" "$c" stop || true; done; }

"${1:-up}"

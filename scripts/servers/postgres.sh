#!/usr/bin/env bash
# PostgreSQL for Strongroom's integration tests (OpenBao database secrets engine).
#
#   postgres.sh install   apt-get install postgresql, only if no /usr/lib/postgresql/*/bin/initdb
#                         (Debian's default "main" cluster is not created)
#   postgres.sh start     fresh cluster in $STATE/postgres/data run as user postgres, TCP on
#                         127.0.0.1:<free port> only, unix sockets in $STATE/postgres/run, superuser
#                         role strongroom_admin (random password), database strongroom.
#                         A no-op when our cluster already runs.
#   postgres.sh stop      pg_ctl stop of that cluster (idempotent)
#   postgres.sh env       print $STATE/postgres/env
#
# Env file: STRONGROOM_PG_HOST STRONGROOM_PG_PORT STRONGROOM_PG_USER STRONGROOM_PG_PASSWORD
#           STRONGROOM_PG_DB STRONGROOM_PG_JDBC_URL
set -euo pipefail
SR_NAME=postgres
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$SR_STATE/postgres"
DATA="$DIR/data"
RUN="$DIR/run"
LOGF="$DIR/log/postgres.log"
ENV_FILE="$DIR/env"
PG_ROLE=strongroom_admin
PG_DB=strongroom

pg_bindir() {
  # newest installed server version
  local d
  # shellcheck disable=SC2012
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

cmd_install() {
  if pg_bindir >/dev/null; then
    log "PostgreSQL already installed ($(pg_bindir))"
  else
    # Do not let the package create and start its own cluster on port 5432.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      mkdir -p /etc/postgresql-common
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    apt_install postgresql
    pg_bindir >/dev/null || die "initdb still missing after installing postgresql"
  fi
  getent passwd postgres >/dev/null || die "system user postgres missing"
  command -v psql >/dev/null || apt_install postgresql-client
}

as_pg() { (cd / && runuser -u postgres -- "$@"); }

grant_traverse() {
  # The cluster lives under $STATE (by default inside /root, mode 700): let user postgres
  # *traverse* (search permission only, no listing) each ancestor it cannot pass yet.
  local path="$1" cur="" part
  local IFS=/
  for part in $path; do
    [ -z "$part" ] && continue
    cur="$cur/$part"
    [ -d "$cur" ] || break
    if ! as_pg test -x "$cur" 2>/dev/null; then
      command -v setfacl >/dev/null || apt_install acl
      log "granting user postgres search (x) permission on $cur (ACL)"
      setfacl -m u:postgres:x "$cur"
    fi
  done
}

pg_running() {
  [ -f "$DATA/postmaster.pid" ] && as_pg "$(pg_bindir)/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

pg_port() { head -n 4 "$DATA/postmaster.pid" | sed -n 4p; }

write_pg_env() {
  local port="$1" pass="$2"
  write_env "$ENV_FILE" STRONGROOM_PG_HOST="$SR_HOST" STRONGROOM_PG_PORT="$port" \
    STRONGROOM_PG_USER="$PG_ROLE" STRONGROOM_PG_PASSWORD="$pass" STRONGROOM_PG_DB="$PG_DB" \
    STRONGROOM_PG_JDBC_URL="jdbc:postgresql://$SR_HOST:$port/$PG_DB"
}

cmd_start() {
  pg_bindir >/dev/null || cmd_install
  local bin; bin="$(pg_bindir)"
  mkdir -p "$DIR"
  chmod 711 "$DIR"          # postgres may pass through; env file stays root-only (600)
  grant_traverse "$DIR"
  if pg_running; then
    if [ -s "$ENV_FILE" ] && [ "$(env_get "$ENV_FILE" STRONGROOM_PG_PORT)" = "$(pg_port)" ]; then
      log "already running on $SR_HOST:$(pg_port)"
      return 0
    fi
    log "running but env file is stale; restarting fresh"
    cmd_stop
  fi
  local port pass
  port="$(free_port 1)"
  pass="$(rand_hex 24)"
  log "initdb (fresh cluster in $DATA)"
  rm -rf "$DATA" "$RUN"
  mkdir -p "$DATA" "$RUN" "$(dirname "$LOGF")"
  chown postgres:postgres "$DATA" "$RUN" "$(dirname "$LOGF")"
  chmod 700 "$DATA"
  chmod 755 "$RUN"
  as_pg "$bin/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C --no-sync \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  cat >>"$DATA/postgresql.conf" <<EOF

# --- scripts/servers/postgres.sh ---
listen_addresses = '$SR_HOST'
port = $port
unix_socket_directories = '$RUN'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  log "starting on $SR_HOST:$port (sockets in $RUN)"
  if ! as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOGF" -w -t 60 start >/dev/null; then
    tail -n 20 "$LOGF" >&2 || true
    die "PostgreSQL did not start"
  fi
  as_pg "$bin/psql" -X -q -h "$RUN" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<EOF
CREATE ROLE $PG_ROLE WITH LOGIN SUPERUSER PASSWORD '$pass';
CREATE DATABASE $PG_DB OWNER $PG_ROLE;
EOF
  write_pg_env "$port" "$pass"
  log "ready: $PG_ROLE@$SR_HOST:$port/$PG_DB (env: $ENV_FILE)"
}

cmd_stop() {
  local bin; bin="$(pg_bindir || true)"
  if [ -n "$bin" ] && pg_running; then
    log "stopping cluster $DATA"
    as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  else
    log "not running"
  fi
  rm -f "$ENV_FILE"
  refresh_servers_env
}

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) [ -f "$ENV_FILE" ] && cat "$ENV_FILE" || true ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# All servers Strongroom's integration tests need, on 127.0.0.1 only.
#
#   all.sh up     install + start PostgreSQL, OpenBao (dev, TLS, persistent), moto; point OpenBao
#                 dev's database engine at the PostgreSQL (openbao.sh configure-db); write
#                 $STATE/servers.env. Idempotent: what already runs is kept.
#   all.sh down   stop everything started here; safe when nothing runs.
#   all.sh env    print $STATE/servers.env
#
# STRONGROOM_OPENBAO_MODES (default "dev tls persistent") picks the OpenBao instances for `up`.
#   eval "$(scripts/servers/all.sh env)"   or   source ~/.cache/strongroom/state/servers.env
set -euo pipefail
SR_NAME=servers
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S="$SR_SCRIPTS"
ENV_FILE="$SR_STATE/servers.env"
MODES="${STRONGROOM_OPENBAO_MODES:-dev tls persistent}"

up() {
  local t0=$SECONDS m
  "$S/postgres.sh" install
  "$S/openbao.sh" install
  "$S/moto.sh" install
  "$S/postgres.sh" start
  for m in $MODES; do
    case "$m" in
      dev) "$S/openbao.sh" start ;;
      tls) "$S/openbao.sh" start-tls ;;
      persistent) "$S/openbao.sh" start-persistent ;;
      *) die "unknown OpenBao mode '$m' in STRONGROOM_OPENBAO_MODES" ;;
    esac
  done
  case " $MODES " in *" dev "*) "$S/openbao.sh" configure-db dev ;; esac
  "$S/moto.sh" start
  : >"$ENV_FILE"
  refresh_servers_env
  log "all up in $((SECONDS - t0))s; env: $ENV_FILE"
}

down() {
  local rc=0
  "$S/moto.sh" stop || rc=1
  "$S/openbao.sh" stop || rc=1
  "$S/postgres.sh" stop || rc=1
  rm -f "$ENV_FILE"
  [ $rc = 0 ] || die "some server did not stop cleanly"
  log "all down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) [ -f "$ENV_FILE" ] && cat "$ENV_FILE" || true ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

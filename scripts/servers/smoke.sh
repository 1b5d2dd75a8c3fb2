#!/usr/bin/env bash
# Smoke test of the servers `all.sh up` started: OpenBao transit (dev + TLS), KV survival across
# restart-persistent, dynamic PostgreSQL credentials + psql login with them, moto KMS CreateKey,
# and that every listening socket of ours is on 127.0.0.1. Exits non-zero on the first failure.
set -euo pipefail
SR_NAME=smoke
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ENV_FILE="$SR_STATE/servers.env"
[ -f "$ENV_FILE" ] || die "no $ENV_FILE: run all.sh up first"
# shellcheck disable=SC1090
source "$ENV_FILE"
py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ok() { log "ok: $*"; }
ensure_cmd ss iproute2

# OpenBao dev: transit
H=(-sf -H "X-Vault-Token: $STRONGROOM_VAULT_TOKEN")
curl "${H[@]}" -X POST "$STRONGROOM_VAULT_ADDR/v1/transit/keys/smoke" >/dev/null
ct="$(curl "${H[@]}" -X POST -d "{\"plaintext\":\"$(printf 'hello' | base64)\"}" \
  "$STRONGROOM_VAULT_ADDR/v1/transit/encrypt/smoke" | py 'd["data"]["ciphertext"]')"
pt="$(curl "${H[@]}" -X POST -d "{\"ciphertext\":\"$ct\"}" \
  "$STRONGROOM_VAULT_ADDR/v1/transit/decrypt/smoke" | py 'd["data"]["plaintext"]' | base64 -d)"
[ "$pt" = hello ] || die "transit round trip gave '$pt'"
ok "dev transit encrypt/decrypt ($ct)"
curl "${H[@]}" "$STRONGROOM_VAULT_ADDR/v1/sys/auth" | py 'd["approle/"]["type"]' | grep -qx approle
ok "dev approle auth enabled"

# OpenBao dev: dynamic PostgreSQL credentials, then log in with them
creds="$(curl "${H[@]}" "$STRONGROOM_VAULT_ADDR/v1/database/creds/strongroom-app")"
u="$(py 'd["data"]["username"]' <<<"$creds")"; p="$(py 'd["data"]["password"]' <<<"$creds")"
lease="$(py 'd["lease_duration"]' <<<"$creds")"
who="$(PGPASSWORD="$p" psql -X -At -h 127.0.0.1 -p "$STRONGROOM_PG_PORT" -U "$u" -d "$STRONGROOM_PG_DB" \
  -c 'select current_user')"
[ "$who" = "$u" ] || die "psql login as $u gave '$who'"
ok "dynamic creds $u (lease ${lease}s) log into PostgreSQL at 127.0.0.1:$STRONGROOM_PG_PORT"

# OpenBao TLS
if [ -n "${STRONGROOM_VAULT_TLS_ADDR:-}" ]; then
  curl -sf --cacert "$STRONGROOM_VAULT_CA_FILE" -H "X-Vault-Token: $STRONGROOM_VAULT_TLS_TOKEN" \
    -X POST "$STRONGROOM_VAULT_TLS_ADDR/v1/transit/keys/smoke" >/dev/null
  ok "TLS server verified with CA file, transit key created ($STRONGROOM_VAULT_TLS_ADDR)"
fi

# OpenBao persistent: data survives restart-persistent
if [ -n "${STRONGROOM_VAULT_PERSISTENT_ADDR:-}" ]; then
  v="$(rand_hex 8)"
  curl -sf -H "X-Vault-Token: $STRONGROOM_VAULT_PERSISTENT_TOKEN" -X POST -d "{\"data\":{\"v\":\"$v\"}}" \
    "$STRONGROOM_VAULT_PERSISTENT_ADDR/v1/secret/data/smoke" >/dev/null
  "$SR_SCRIPTS/openbao.sh" restart-persistent
  # shellcheck disable=SC1091
  source "$SR_STATE/openbao/env"
  got="$(curl -sf -H "X-Vault-Token: $STRONGROOM_VAULT_PERSISTENT_TOKEN" \
    "$STRONGROOM_VAULT_PERSISTENT_ADDR/v1/secret/data/smoke" | py 'd["data"]["data"]["v"]')"
  [ "$got" = "$v" ] || die "persistent KV value lost across restart"
  ok "persistent server kept KV data across restart-persistent"
fi

# moto: KMS CreateKey (moto accepts any signature)
kid="$(curl -sf -X POST "$STRONGROOM_AWS_ENDPOINT/" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'X-Amz-Target: TrentService.CreateKey' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0' \
  -d '{"Description":"smoke"}' | py 'd["KeyMetadata"]["KeyId"]')"
ok "moto KMS CreateKey -> $kid"

# Listeners: every socket of the processes we started is on 127.0.0.1
pids=()
for f in "$SR_STATE"/openbao/*/pid "$SR_STATE/moto/pid"; do [ -s "$f" ] && pids+=("$(cat "$f")"); done
[ -s "$SR_STATE/postgres/data/postmaster.pid" ] && pids+=("$(head -n 1 "$SR_STATE/postgres/data/postmaster.pid")")
bad=0
for pid in "${pids[@]}"; do
  lines="$(ss -H -ltunp | grep -E "pid=$pid," || true)"
  [ -n "$lines" ] || die "pid $pid has no listening socket"
  while read -r line; do
    localaddr="$(awk '{print $5}' <<<"$line")"
    case "$localaddr" in
      127.0.0.1:*) log "  listen $localaddr (pid $pid)" ;;
      *) log "NOT LOOPBACK: $line"; bad=1 ;;
    esac
  done <<<"$lines"
done
[ $bad = 0 ] || die "a server listens beyond 127.0.0.1"
ok "all ${#pids[@]} server processes listen on 127.0.0.1 only"

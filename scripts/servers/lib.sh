# shellcheck shell=bash
# Shared helpers for scripts/servers/*.sh. Source it; do not run it.
#
# Layout (override with the environment):
#   STRONGROOM_CACHE  default ~/.cache/strongroom      (venvs, Go caches)
#   STRONGROOM_STATE  default $STRONGROOM_CACHE/state  (data dirs, logs, pid files, env files)
# Every server binds to 127.0.0.1 only.

SR_CACHE="${STRONGROOM_CACHE:-$HOME/.cache/strongroom}"
SR_STATE="${STRONGROOM_STATE:-$SR_CACHE/state}"
SR_HOST=127.0.0.1
# shellcheck disable=SC2034  # used by the scripts that source this file
SR_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[%s] %s\n' "${SR_NAME:-servers}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

_SR_APT_UPDATED=0
apt_install() {
  # apt_install PKG...: install Debian packages (runs apt-get update once first).
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
  if [ "$_SR_APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    _SR_APT_UPDATED=1
  fi
  log "apt-get install $*"
  mkdir -p "$SR_CACHE"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
      >"$SR_CACHE/apt.log" 2>&1; then
    tail -n 30 "$SR_CACHE/apt.log" >&2
    die "apt-get install $* failed"
  fi
}

ensure_cmd() {
  # ensure_cmd CMD PKG: apt-get install PKG if CMD is missing.
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
}

ensure_python_venv() {
  # A python3 that can create venvs (Debian needs python3-venv for ensurepip).
  ensure_cmd python3 python3
  local probe="$SR_CACHE/.venv-probe"
  rm -rf "$probe"
  if ! python3 -m venv "$probe" >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  rm -rf "$probe"
}

make_venv() {
  # make_venv DIR: create a venv at DIR unless it already works.
  local dir="$1"
  if [ -x "$dir/bin/python" ] && "$dir/bin/python" -c 'import sys' 2>/dev/null; then
    return 0
  fi
  ensure_python_venv
  log "creating venv $dir"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  python3 -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2 || true
}

port_in_use() {
  # True if something accepts TCP connections on 127.0.0.1:PORT.
  (exec 3<>"/dev/tcp/$SR_HOST/$1") 2>/dev/null
}

free_port() {
  # free_port [N]: print a port P such that P..P+N-1 are all free on 127.0.0.1.
  local n="${1:-1}" p i ok tries=0
  while [ $tries -lt 200 ]; do
    tries=$((tries + 1))
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    ok=1
    for ((i = 0; i < n; i++)); do
      if port_in_use $((p + i)); then ok=0; break; fi
    done
    [ $ok = 1 ] && { echo "$p"; return 0; }
  done
  die "no free port found"
}

rand_hex() {
  # rand_hex BYTES
  od -An -N"${1:-16}" -tx1 /dev/urandom | tr -d ' \n'
}

wait_until() {
  # wait_until SECONDS DESC CMD...: retry CMD every 0.2s until it succeeds.
  local secs="$1" desc="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${secs}s waiting for $desc"
      return 1
    fi
    sleep 0.2
  done
}

pid_alive() {
  # pid_alive PIDFILE EXPECT: true if the pid in PIDFILE runs and its command line contains EXPECT.
  local pidfile="$1" expect="$2" pid
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -d "/proc/$pid" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$expect"
}

start_bg() {
  # start_bg PIDFILE LOGFILE CMD...: start CMD detached in its own session, record its pid.
  local pidfile="$1" logfile="$2"; shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

stop_pid() {
  # stop_pid PIDFILE EXPECT DESC: stop the process (group) we started; idempotent.
  local pidfile="$1" expect="$2" desc="$3" pid i
  if [ ! -e "$pidfile" ]; then
    log "$desc: not running"
    return 0
  fi
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if ! pid_alive "$pidfile" "$expect"; then
    log "$desc: stale pid file (pid ${pid:-?} not running as '$expect'), removing"
    rm -f "$pidfile"
    return 0
  fi
  log "$desc: stopping pid $pid"
  # start_bg ran it via setsid, so it leads its own process group: signal the group
  # (it alone plus any children it spawned), else just the pid.
  local pgid
  pgid="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $3}')"   # field 5 of stat
  if [ "$pgid" = "$pid" ]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
  else
    kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 100; i++)); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  if [ -d "/proc/$pid" ]; then
    log "$desc: still alive after 10s, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$pidfile"
}

write_env() {
  # write_env FILE NAME=VALUE...: write shell-sourceable export lines (mode 600).
  local file="$1"; shift
  local tmp="$file.tmp.$$" kv
  mkdir -p "$(dirname "$file")"
  (
    umask 077
    : >"$tmp"
    for kv in "$@"; do
      printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$tmp"
    done
  )
  mv -f "$tmp" "$file"
  refresh_servers_env
}

env_get() {
  # env_get FILE NAME: print the value of NAME from an env file written by write_env.
  [ -f "$1" ] || return 1
  # shellcheck disable=SC1090
  ( source "$1" >/dev/null 2>&1; printf '%s' "${!2:-}" )
}

refresh_servers_env() {
  # Rewrite $STATE/servers.env (made by all.sh up) from the per-server env files, so a
  # restart done by one script (e.g. openbao.sh restart-persistent) keeps it current.
  local f="$SR_STATE/servers.env" part tmp
  [ -e "$f" ] || return 0
  tmp="$f.tmp.$$"
  ( umask 077
    echo "# generated by scripts/servers (all.sh up); source it" >"$tmp"
    for part in openbao/env postgres/env moto/env; do
      [ -f "$SR_STATE/$part" ] && cat "$SR_STATE/$part" >>"$tmp"
    done
    true )
  mv -f "$tmp" "$f"
}

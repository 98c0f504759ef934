# shellcheck shell=bash
# What the load-test scripts (load-tests/*.sh) and deploy/test/netns-ansible.sh share, sourced after
# `set -euo pipefail` with LOG_NAME set (the tag of their log lines): paths and jars, flags, logging, processes
# stopped on exit, tool installation, the jar build, the CPU check, free ports, readiness waits, the nginx
# upstream and the edge's startup lines. Sourcing defines functions and defaults only; nothing runs.

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LIB_DIR/../.." && pwd)
CONFIG_DIR="$REPO_ROOT/load-tests/bench-config"
EDGE_JAR=${EDGE_JAR:-$REPO_ROOT/edge-node/target/burrow-edge.jar}
AGENT_JAR=${AGENT_JAR:-$REPO_ROOT/agent/target/burrow.jar}
JAVA=${JAVA:-java}
# Hazelcast on JDK 17 wants these (it only warns without them).
HZ_OPTS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"

log() { printf '[%s %s] %s\n' "$LOG_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "${DIE_WORD:-ERROR}: $*"; exit 1; }

# The script's header comment, from line 2 to `set -euo`, is its --help.
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

# parse_flags "quick rebuild out only-baselines keep" "$@": the flags this script takes, out of --quick (QUICK=1),
# --rebuild (REBUILD=1), --only-baselines (ONLY_BASELINES=1), --out FILE (OUT_ARG), --keep (KEEP=1); -h/--help
# prints the usage. Anything else exits 2 with a sentence.
parse_flags() {
  local allowed=" $1 " flag
  shift
  QUICK=0; REBUILD=0; ONLY_BASELINES=0; KEEP=0; OUT_ARG=""
  while [ $# -gt 0 ]; do
    flag=${1#--}; flag=${flag%%=*}
    case "$1" in -h|--help) usage; exit 0 ;; esac
    case "$allowed" in *" $flag "*) ;; *) echo "$LOG_NAME: unknown option '$1' (try --help)" >&2; exit 2 ;; esac
    case "$1" in
      --quick) QUICK=1 ;;
      --rebuild) REBUILD=1 ;;
      --only-baselines) ONLY_BASELINES=1 ;;
      --keep) KEEP=1 ;;
      --out) [ $# -ge 2 ] || { echo "$LOG_NAME: --out needs a file name" >&2; exit 2; }; OUT_ARG=$2; shift ;;
      --out=*) OUT_ARG=${1#--out=} ;;
      *) echo "$LOG_NAME: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
  done
}

# positive_integers VAR...: each must hold a positive integer.
positive_integers() {
  local v
  for v in "$@"; do
    [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "$LOG_NAME: $v must be a positive integer, got '${!v}'" >&2; exit 2; }
  done
}

# ---------------------------------------------------------------------------------------------------
# Processes: each one started is tracked, and stopped in reverse order on exit, failure or Ctrl-C; the temp
# dir ($TMP) goes too. A script may define cleanup_hook, run first (e.g. to stop a process group).
PIDS=()
PID_NAMES=()
TMP=""
POLICY_RC_CREATED=0

track() { PIDS+=("$1"); PID_NAMES+=("$2"); }

stop_pid() {  # pid name: TERM, up to 5 s, then KILL
  local pid=$1 name=$2 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$name (pid $pid) did not stop on TERM; killing"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? i f
  trap - EXIT INT TERM ERR
  set +e
  if [ "$rc" -ne 0 ] && [ -n "$TMP" ] && [ -d "$TMP/logs" ]; then
    for f in "$TMP"/logs/*.log; do
      [ -s "$f" ] || continue
      log "last lines of $(basename "$f"):"
      tail -n 15 "$f" | sed 's/^/    /' >&2
    done
  fi
  if declare -F cleanup_hook >/dev/null; then cleanup_hook; fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}" "${PID_NAMES[$i]}"; done
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do wait "${PIDS[$i]}" 2>/dev/null; done
  [ "$POLICY_RC_CREATED" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ -n "$TMP" ] && rm -rf "$TMP"
  exit "$rc"
}

cleanup_on_exit() {
  trap cleanup EXIT
  trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
}

make_tmp() {  # name: TMP, a private temp dir with logs/ in it
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/burrow-$1.XXXXXX")
  mkdir -p "$TMP/logs"
  chmod 711 "$TMP"  # nginx workers run as an unprivileged user when started as root: they must reach www/
}

# ---------------------------------------------------------------------------------------------------
# Tools
find_cmd() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

# install_tools [--with-recommends] COMMAND=PACKAGE...: installs the packages of the commands not found, with
# apt-get as root (bounded by timeouts), or fails with the command to run. The packages' maintainer scripts may
# not start their services (a system nginx/sshd/haproxy on all addresses) meanwhile.
install_tools() {
  local recommends=(--no-install-recommends) pair missing=() pkgs=() c
  if [ "${1:-}" = --with-recommends ]; then recommends=(); shift; fi
  for pair in "$@"; do
    [ -n "$(find_cmd "${pair%%=*}")" ] || { missing+=("${pair%%=*}"); pkgs+=("${pair#*=}"); }
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
  [ "$(id -u)" = 0 ] || die "missing: ${missing[*]}. Install them with: sudo apt-get install -y ${pkgs[*]}"
  log "installing ${pkgs[*]} with apt-get"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  local ok=1
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -q >/dev/null \
    && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "${recommends[@]}" "${pkgs[@]}" >/dev/null || ok=0
  # Removed here, not only on exit: a script may source this without using its cleanup.
  if [ "$POLICY_RC_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
  [ "$ok" = 1 ] || die "apt-get install ${pkgs[*]} failed"
  for c in "${missing[@]}"; do [ -n "$(find_cmd "$c")" ] || die "$c still missing after apt-get install"; done
}

need_java() { command -v "$JAVA" >/dev/null || die "$JAVA not found: install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"; }

# The edge and agent jars, built (mvn package, no tests) when absent or with REBUILD=1; otherwise the jars there
# are used, so after a change to the code, rebuild or the old jars are measured.
ensure_jars() {
  if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$EDGE_JAR" ] || [ ! -f "$AGENT_JAR" ]; then
    command -v mvn >/dev/null || die "jars missing and mvn not found: install Maven or build the jars first"
    log "building jars (mvn -B -q -DskipTests package)"
    (cd "$REPO_ROOT" && mvn -B -q -DskipTests package)
    [ -f "$EDGE_JAR" ] && [ -f "$AGENT_JAR" ] || die "build finished but a jar is missing ($EDGE_JAR, $AGENT_JAR)"
  fi
}

# Is something else using the CPU? Figures taken on a busy machine do not compare with others.
cpu_idle_pct() {  # seconds: share of CPU time idle over that many seconds, from /proc/stat
  local a b
  a=$(awk '/^cpu / {printf "%d %d", $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu / {printf "%d %d", $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[1] - x[1];
    printf "%.0f", (t > 0 ? 100 * (y[2] - x[2]) / t : 100) }'
}

# ---------------------------------------------------------------------------------------------------
# Ports and readiness
USED_PORTS=" "
free_port() {  # VAR: set VAR to a free TCP port below the ephemeral range (no outgoing socket holds it)
  local var=$1 lo p i
  read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range  # 32768 by default
  for i in $(seq 1 500); do
    # 21000 and up: clear of the edge's default TCP endpoint range (20000-20999)
    if [ "$lo" -gt 22000 ]; then p=$(( 21000 + RANDOM % (lo - 21000) )); else p=$(( 61000 + RANDOM % 4000 )); fi
    case "$USED_PORTS" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then USED_PORTS="$USED_PORTS$p "; printf -v "$var" %s "$p"; return 0; fi
  done
  die "no free TCP port found"
}

wait_for_line() {  # file regex timeout-s pid name: wait until a line of file matches regex
  local file=$1 re=$2 secs=$3 pid=$4 name=$5 deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -f "$file" ] && tr -d '\r' < "$file" | grep -Eq "$re"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || die "$name exited before printing /$re/ (log: see below)"
    sleep 0.1
  done
  die "$name did not print /$re/ within ${secs}s"
}

line_value() {  # file regex: the first capture group of the first matching line, trailing blanks cut
  tr -d '\r' < "$1" | sed -nE "s/.*$2.*/\\1/p" | head -n 1 | sed 's/[[:space:]]*$//'
}

wait_http_ok() {  # url host timeout-s pid name: until a GET returns 200
  local url=$1 host=$2 secs=$3 pid=$4 name=$5 deadline=$((SECONDS + $3)) code
  while [ "$SECONDS" -lt "$deadline" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $host" "$url" 2>/dev/null || true)
    case "$code" in
      200) return 0 ;;
      000|404|502|503|504) ;;  # not listening or not routed yet
      *) die "$url (Host: $host, via $name) answered HTTP $code, not 200" ;;
    esac
    kill -0 "$pid" 2>/dev/null || die "$name exited before $url answered"
    sleep 0.1
  done
  die "$url (Host: $host, via $name) did not answer 200 within ${secs}s (last status: ${code:-none})"
}

# ---------------------------------------------------------------------------------------------------
# The nginx upstream: start_nginx WORKERS TITLE FILLER serves a 1 KiB page (index.html: TITLE, then FILLER
# characters) from $NGX/www on 127.0.0.1; sets NGX, NGINX_PORT, NGINX_PID, BODY_FILE. Needs NGINX and TMP.
start_nginx() {
  local workers=$1 title=$2 filler=$3
  free_port NGINX_PORT
  NGX="$TMP/nginx"
  mkdir -p "$NGX/www" "$NGX/client_body" "$NGX/proxy" "$NGX/fastcgi" "$NGX/uwsgi" "$NGX/scgi"
  {
    printf '<!doctype html><html><head><title>%s</title></head><body><p>' "$title"
    head -c 2000 /dev/zero | tr '\0' "$filler"
  } | head -c 1005 > "$NGX/www/index.html" || true  # head stops reading early: the writer's SIGPIPE is expected
  printf '</p></body></html>\n' >> "$NGX/www/index.html"
  BODY_FILE="$NGX/www/index.html"
  sed -e "s|@PREFIX@|$NGX|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@WORKERS@|$workers|g" \
    "$CONFIG_DIR/nginx.conf.template" > "$NGX/nginx.conf"
  "$NGINX" -t -q -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" 2> "$TMP/logs/nginx.log" || die "nginx config test failed"
  "$NGINX" -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" >> "$TMP/logs/nginx.log" 2>&1 &
  track $! nginx
  NGINX_PID=$!
  wait_http_ok "http://127.0.0.1:$NGINX_PORT/index.html" 127.0.0.1 "$READY_TIMEOUT" "$NGINX_PID" nginx
}

# ---------------------------------------------------------------------------------------------------
# edge_lines LOG NAME: waits for an edge node's "Edge node ready" (its pid in EDGE_PID) and reads its startup
# lines: EDGE_HTTP_PORT, EDGE_TUNNEL_PORT, EDGE_OPS_PORT, EDGE_CA, EDGE_AUTHTOKEN (the CA and token are required
# only when the node printed them: a node given the cluster's CA still prints its path).
edge_lines() {
  local file=$1 name=$2
  wait_for_line "$file" 'Edge node ready' "$READY_TIMEOUT" "$EDGE_PID" "$name"
  EDGE_HTTP_PORT=$(line_value "$file" 'Public HTTP listening on [^ ]*:([0-9]+)')
  EDGE_TUNNEL_PORT=$(line_value "$file" 'Agent link \(TLS\) listening on [^ ]*:([0-9]+)')
  EDGE_OPS_PORT=$(line_value "$file" 'Ops \(healthz, readyz, metrics\) listening on [^ ]*:([0-9]+)')
  EDGE_CA=$(line_value "$file" 'Dev CA certificate: *(.+)$')
  EDGE_AUTHTOKEN=$(line_value "$file" 'Authtoken: *([^ ]+)')
  [ -n "$EDGE_HTTP_PORT" ] || die "$name: no 'Public HTTP listening on <bind>:<port>' line"
  [ -n "$EDGE_TUNNEL_PORT" ] || die "$name: no 'Agent link (TLS) listening on <bind>:<port>' line"
  [ -n "$EDGE_CA" ] && [ -f "$EDGE_CA" ] || die "$name: no 'Dev CA certificate: <path>' line naming a file"
  [ -n "$EDGE_AUTHTOKEN" ] || die "$name: no 'Authtoken: <token>' line"
}

# to_ms DURATION: a wrk duration (812.00us, 1.23ms, 2.01s, 1.00m) in ms with three decimals; NaN if unreadable.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") m = n / 1000; else if (u == "ms") m = n; else if (u == "s") m = n * 1000;
    else if (u == "m") m = n * 60000; else if (u == "h") m = n * 3600000; else { print "NaN"; exit }
    printf "%.3f", m }'
}

#!/usr/bin/env bash
# The floor under any two-process tunnel on this machine: how fast does a 1 GiB download go through relays that do
# nothing but copy bytes? A reference beside bench.sh, which measures Burrow itself; nothing here is Burrow.
#
# Starts nginx (one worker, bench.sh's config and file) and socat relays on loopback, then downloads the big file
# with curl RUNS times through each target in turn:
#   direct     curl -> nginx
#   relay1     curl -> socat -> nginx                              (one process copying, two more sockets)
#   relay2     curl -> socat -> socat -> nginx                     (the shape of edge + agent, plain TCP between them)
#   relay2tls  curl -> socat -> (TLS, OpenSSL's defaults) -> socat -> nginx   (the shape of edge + agent + link)
# and prints each target's median MiB/s and its ratio to direct's median. socat copies with 256 KiB buffers, TCP_NODELAY on.
# With WRK=1, also `wrk -t2 -c50` req/s and `wrk -t1 -c1` p50 on the 1 KiB page through the plain ones (DURATION s each;
# socat forks a process per connection, so this is the floor for a relay that keeps a process per visitor).
#
# Usage: load-tests/relay-floor.sh [--help]
# Environment (defaults in brackets): BIG_MIB [1024] size of the file   RUNS [3] downloads per target
#   READY_TIMEOUT [30] seconds to wait for nginx   WRK [unset] 1: the small-page figures too   DURATION [8]
set -euo pipefail

LOG_NAME=relay-floor
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_flags "" "$@"
BIG_MIB=${BIG_MIB:-1024}; RUNS=${RUNS:-3}; READY_TIMEOUT=${READY_TIMEOUT:-30}; DURATION=${DURATION:-8}
positive_integers BIG_MIB RUNS READY_TIMEOUT DURATION
cleanup_on_exit
install_tools nginx=nginx socat=socat curl=curl openssl=openssl wrk=wrk
NGINX=$(find_cmd nginx)

make_tmp relay-floor
start_nginx 1 "relay floor" r
truncate -s "$((BIG_MIB * 1024 * 1024))" "$NGX/www/big.bin"
cat "$NGX/www/big.bin" > /dev/null

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=relay-floor \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2> "$TMP/logs/openssl.log"
cat "$TMP/key.pem" "$TMP/cert.pem" > "$TMP/relay.pem"

relay() {  # name listen-address connect-address
  socat -b 262144 "$2" "$3" 2> "$TMP/logs/$1.log" &
  track $! "$1"
}
free_port R1; free_port R2; free_port R3; free_port R4
relay relay1 "TCP-LISTEN:$R1,bind=127.0.0.1,reuseaddr,fork,nodelay" "TCP:127.0.0.1:$NGINX_PORT,nodelay"
relay relay2-inner "TCP-LISTEN:$R2,bind=127.0.0.1,reuseaddr,fork,nodelay" "TCP:127.0.0.1:$NGINX_PORT,nodelay"
relay relay2-outer "TCP-LISTEN:$R3,bind=127.0.0.1,reuseaddr,fork,nodelay" "TCP:127.0.0.1:$R2,nodelay"
relay relay2tls-inner "OPENSSL-LISTEN:$R4,bind=127.0.0.1,reuseaddr,fork,nodelay,cert=$TMP/relay.pem,verify=0" "TCP:127.0.0.1:$NGINX_PORT,nodelay"
free_port R5
relay relay2tls-outer "TCP-LISTEN:$R5,bind=127.0.0.1,reuseaddr,fork,nodelay" "OPENSSL:127.0.0.1:$R4,verify=0,nodelay"

TARGETS=(direct relay1 relay2 relay2tls)
declare -A PORT=([direct]=$NGINX_PORT [relay1]=$R1 [relay2]=$R3 [relay2tls]=$R5) SPEEDS
for t in "${TARGETS[@]}"; do
  wait_http_ok "http://127.0.0.1:${PORT[$t]}/index.html" 127.0.0.1 "$READY_TIMEOUT" "$NGINX_PID" "$t"
done
log "CPU $(cpu_idle_pct 2) % idle before the run; ${BIG_MIB} MiB, $RUNS rounds"
for round in $(seq 1 "$RUNS"); do
  line="round $round/$RUNS (MiB/s):"
  for t in "${TARGETS[@]}"; do
    bps=$(curl -s -o /dev/null --max-time 600 -w '%{speed_download}' "http://127.0.0.1:${PORT[$t]}/big.bin")
    mibs=$(awk -v b="$bps" 'BEGIN { printf "%.1f", b / 1048576 }')
    SPEEDS[$t]="${SPEEDS[$t]:-} $mibs"
    line="$line $t $mibs;"
  done
  log "$line"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
DIRECT=$(echo "${SPEEDS[direct]}" | median)
printf '%-10s %10s %9s\n' target "MiB/s" "x direct"
for t in "${TARGETS[@]}"; do
  m=$(echo "${SPEEDS[$t]}" | median)
  printf '%-10s %10s %9s\n' "$t" "$m" "$(awk -v m="$m" -v d="$DIRECT" 'BEGIN { printf "%.2f", m / d }')"
done
[ "${WRK:-}" = 1 ] || exit 0
printf '%-10s %10s %9s %12s\n' target "req/s @50" "x direct" "p50 @1 ms"
# Not relay2tls: socat's OpenSSL relay holds small request/response exchanges for seconds (under 1 req/s here).
for t in direct relay1 relay2; do
  url="http://127.0.0.1:${PORT[$t]}/index.html"
  rps=$(wrk -t2 -c50 -d"${DURATION}s" "$url" | awk '/Requests\/sec/ { print $2 }')
  p50=$(wrk -t1 -c1 -d"${DURATION}s" --latency "$url" | awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.3f", v }')
  [ "$t" = direct ] && DIRECT_RPS=$rps
  printf '%-10s %10s %9s %12s\n' "$t" "$rps" "$(awk -v r="$rps" -v d="$DIRECT_RPS" 'BEGIN { printf "%.2f", r / d }')" "$p50"
done

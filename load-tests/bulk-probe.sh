#!/usr/bin/env bash
# Where a download through Burrow spends its time: is it CPU-bound (the 2 cores full) or does it wait (window,
# latency)? A diagnostic beside bench.sh, not a replacement: bench.sh's figures are the ones that count.
#
# Starts nginx (one worker, bench.sh's config), an edge and an agent as bench.sh does, warms them up (wrk on the
# small page, then downloads), and then downloads the big file RUNS times through each target, alternating
# (direct, burrow, direct, burrow, ...). For each download it prints MiB/s, how many of the machine's cores were
# busy (from /proc/stat), and the CPU seconds per GiB of curl, nginx's worker, the edge and the agent.
#
# Usage: load-tests/bulk-probe.sh [--help]
# Environment (defaults in brackets):
#   BIG_MIB [1024] size of the file   RUNS [3] downloads per target   WARMUP [20] seconds of wrk warm-up
#   JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC]   EDGE_JAR, AGENT_JAR (as bench.sh)   READY_TIMEOUT [90]
#   EDGE_ARGS, AGENT_ARGS [unset] extra flags for the edge / the agent (word-split)
#   EDGE_JAVA_OPTS, AGENT_JAVA_OPTS [unset] extra JVM flags for one of them (e.g. a profiler agent)
#   KEEP_LOGS [unset] a directory to copy the edge's and agent's logs into at the end
set -euo pipefail

LOG_NAME=bulk-probe
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_flags "" "$@"
BIG_MIB=${BIG_MIB:-1024}; RUNS=${RUNS:-3}; WARMUP=${WARMUP:-20}; READY_TIMEOUT=${READY_TIMEOUT:-90}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
positive_integers BIG_MIB RUNS WARMUP READY_TIMEOUT
cleanup_hook() {
  if [ -n "${KEEP_LOGS:-}" ] && [ -n "$TMP" ]; then mkdir -p "$KEEP_LOGS" && cp "$TMP"/logs/*.log "$KEEP_LOGS"/ 2>/dev/null; fi
  return 0
}
cleanup_on_exit
need_java
ensure_jars
NGINX=$(find_cmd nginx)
make_tmp bulk-probe
log "CPU idle before: $(cpu_idle_pct 2)%"

start_nginx 1 "burrow bulk probe" p
BIG_BYTES=$((BIG_MIB * 1024 * 1024))
truncate -s "$BIG_BYTES" "$NGX/www/big.bin"
cat "$NGX/www/big.bin" > /dev/null
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -n 1)

read -ra JAVA_FLAGS <<< "$JAVA_OPTS"
read -ra EDGE_JFLAGS <<< "${EDGE_JAVA_OPTS:-}"
read -ra AGENT_JFLAGS <<< "${AGENT_JAVA_OPTS:-}"
read -ra EDGE_EXTRA <<< "${EDGE_ARGS:-}"
read -ra AGENT_EXTRA <<< "${AGENT_ARGS:-}"
"$JAVA" "${JAVA_FLAGS[@]}" "${EDGE_JFLAGS[@]}" -jar "$EDGE_JAR" --http-port 0 --tunnel-port 0 --bind-address 127.0.0.1 \
  --ops-port 0 --data-dir "$TMP/edge-data" --domain localhost "${EDGE_EXTRA[@]}" > "$TMP/logs/edge.log" 2>&1 &
track $! edge
EDGE_PID=$!
edge_lines "$TMP/logs/edge.log" "edge node"
"$JAVA" "${JAVA_FLAGS[@]}" "${AGENT_JFLAGS[@]}" -jar "$AGENT_JAR" http "127.0.0.1:$NGINX_PORT" \
  --server "127.0.0.1:$EDGE_TUNNEL_PORT" --authtoken "$EDGE_AUTHTOKEN" --edge-ca "$EDGE_CA" --subdomain probe \
  --web-addr 127.0.0.1:0 "${AGENT_EXTRA[@]}" > "$TMP/logs/agent.log" 2>&1 &
track $! agent
AGENT_PID=$!
wait_for_line "$TMP/logs/agent.log" 'Forwarding http://probe\.localhost:[0-9]+ ->' "$READY_TIMEOUT" "$AGENT_PID" agent
wait_http_ok "http://127.0.0.1:$EDGE_HTTP_PORT/index.html" probe.localhost "$READY_TIMEOUT" "$AGENT_PID" "burrow tunnel"

declare -A URL HOST
URL[direct]="http://127.0.0.1:$NGINX_PORT/big.bin"; HOST[direct]="127.0.0.1:$NGINX_PORT"
URL[burrow]="http://127.0.0.1:$EDGE_HTTP_PORT/big.bin"; HOST[burrow]=probe.localhost

log "warm-up: wrk ${WARMUP}s, then 3 downloads of up to 256 MiB"
timeout $((WARMUP + 60)) wrk -t2 -c50 -d"${WARMUP}s" -H "Host: probe.localhost" \
  "http://127.0.0.1:$EDGE_HTTP_PORT/index.html" > /dev/null 2>&1 || die "warm-up wrk failed"
WARM_BYTES=$(( BIG_BYTES < 268435456 ? BIG_BYTES : 268435456 ))
for i in 1 2 3; do
  curl -s -o /dev/null --max-time 600 -H "Host: probe.localhost" -r "0-$((WARM_BYTES - 1))" "${URL[burrow]}" || die "warm-up download failed"
done

CLK_TCK=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
machine() { awk '/^cpu / {printf "%d %d", $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }
printf '%-7s %9s %11s %9s %9s %9s %9s\n' target "MiB/s" "busy cores" "curl s/G" "nginx s/G" "edge s/G" "agent s/G"
for run in $(seq 1 "$RUNS"); do
  for tg in direct burrow; do
    m0=$(machine); n0=$(ticks "$NGINX_WORKER"); e0=$(ticks "$EDGE_PID"); a0=$(ticks "$AGENT_PID")
    out=$( { curl -s -o /dev/null --max-time 600 -H "Host: ${HOST[$tg]}" -w '%{http_code} %{size_download} %{speed_download}\n' \
               "${URL[$tg]}"; times; } ) || die "download via $tg failed"
    m1=$(machine); n1=$(ticks "$NGINX_WORKER"); e1=$(ticks "$EDGE_PID"); a1=$(ticks "$AGENT_PID")
    read -r code size speed <<< "$(sed -n 1p <<< "$out")"
    [ "$code" = 200 ] && [ "${size%.*}" = "$BIG_BYTES" ] || die "download via $tg: HTTP $code, $size bytes"
    # `times` (in the subshell that ran curl) prints the shell's, then its children's (curl's) user and system time.
    curl_s=$(sed -n 3p <<< "$out" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s$/, "", p[2]); t += p[1] * 60 + p[2] } print t }')
    awk -v s="$speed" -v m0="$m0" -v m1="$m1" -v n="$((n1 - n0))" -v e="$((e1 - e0))" -v a="$((a1 - a0))" \
        -v c="$curl_s" -v hz="$CLK_TCK" -v g="$(awk -v b="$BIG_BYTES" 'BEGIN {print b / 1073741824}')" \
        -v cores="$(nproc)" -v tg="$tg" -v burrow="$([ "$tg" = burrow ] && echo 1 || echo 0)" 'BEGIN {
      split(m0, x, " "); split(m1, y, " "); total = y[1] - x[1]; busy = total > 0 ? (total - (y[2] - x[2])) / total * cores : 0
      printf "%-7s %9.1f %11.2f %9.2f %9.2f %9s %9s\n", tg, s / 1048576, busy, c / g, n / hz / g,
        burrow ? sprintf("%.2f", e / hz / g) : "-", burrow ? sprintf("%.2f", a / hz / g) : "-" }'
  done
done

#!/usr/bin/env bash
# Burrow HTTPS benchmark: nginx terminating TLS itself ("direct") against a Burrow HTTPS endpoint whose agent
# forwards to the same nginx over plain HTTP, in one run, on loopback. Both present an ECDSA P-256 certificate
# (the edge its dev CA's wildcard, nginx one this script issues), both offer TLS 1.2 and 1.3 and HTTP/2 by ALPN.
#
# For each target it measures, on a 1 KiB page:
#   - HTTPS/1.1 req/s, p50 and p99 at 50 keep-alive connections      (wrk -t2 -c50 --latency)
#   - HTTP/2 req/s at 50 connections with 10 streams each            (h2load -t2 -c50 -m10)
#   - full handshakes per second: a new TLS session per connection     (python3 ssl, one request each)
#   - resumed handshakes per second: the client offers its session     (the same, session resumed)
# and the CPU time of the server side (nginx; the edge and the agent for Burrow) per 10 000 requests and per
# 1 000 handshakes. Every figure is printed with its ratio to direct. Method and figures: docs/benchmarks.md.
#
# The clients must send the endpoint's name as SNI, so they run in a private mount namespace whose /etc/hosts
# maps bench.localhost to 127.0.0.1 (unshare -m; needs root, as CI has). Nothing on the machine changes.
#
# Usage: load-tests/https-bench.sh [--quick] [--out FILE] [--help]
#   --quick     CI smoke: 3 s per measurement, 1 s warm-up
#   --out FILE  markdown results file (default load-tests/results/https-bench-<date>.md; also $OUT)
# Environment (defaults in brackets): DURATION [15] seconds per measurement, WARMUP [30] seconds of each warm-up per
#   target (JIT: full handshakes, then wrk, then h2load), NGINX_WORKERS [1], JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC], READY_TIMEOUT [90],
#   EDGE_JAR, AGENT_JAR [edge-node/target/burrow-edge.jar, agent/target/burrow.jar], JAVA [java],
#   HANDSHAKES_ONLY [0]: 1 measures the handshakes only (no wrk, no h2load, nor their warm-up), for quick A/B runs of
#   the handshake path; TARGETS ["direct burrow"]: "burrow" alone skips nginx's TLS figures.
#
# Everything binds to 127.0.0.1 only. Every process the script starts is stopped, and its temp dir removed, on
# exit, failure or Ctrl-C.
set -euo pipefail

LOG_NAME=https-bench
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
LOOPBACK=127.0.0.1
SUBDOMAIN=bench
NAME="$SUBDOMAIN.localhost"

parse_flags "quick out" "$@"
if [ "$QUICK" = 1 ]; then DURATION=${DURATION:-3}; WARMUP=${WARMUP:-1}
else DURATION=${DURATION:-15}; WARMUP=${WARMUP:-30}; fi
NGINX_WORKERS=${NGINX_WORKERS:-1}
READY_TIMEOUT=${READY_TIMEOUT:-90}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
OUT=${OUT_ARG:-${OUT:-$REPO_ROOT/load-tests/results/https-bench-$(date +%Y%m%d-%H%M%S).md}}
HANDSHAKES_ONLY=${HANDSHAKES_ONLY:-0}
positive_integers DURATION WARMUP NGINX_WORKERS READY_TIMEOUT
cleanup_on_exit

install_tools nginx=nginx wrk=wrk h2load=nghttp2-client openssl=openssl python3=python3 curl=curl ss=iproute2 timeout=coreutils
need_java
NGINX=$(find_cmd nginx)
ensure_jars
IDLE_BEFORE=$(cpu_idle_pct 2)
[ "$IDLE_BEFORE" -ge 90 ] || log "WARNING: the CPU was only ${IDLE_BEFORE}% idle before the run: figures will be noisy"
make_tmp https-bench

printf '%s %s\n' "$LOOPBACK" "$NAME" > "$TMP/hosts"
# The handshake client: python's ssl module (OpenSSL) on one thread, one request per connection
# (`Connection: close`), a new session each time or the first connection's session offered again.
cat > "$TMP/handshakes.py" <<'PY'
import socket, ssl, sys, time
name, port, ca, mode, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
ctx = ssl.create_default_context(cafile=ca)
request = ("GET /index.html HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % name).encode()
session, count, resumed = None, 0, 0
start = time.monotonic()
while time.monotonic() - start < seconds:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=name, session=session) as tls:
            tls.sendall(request)
            body = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                body += chunk
            if not body.startswith(b"HTTP/1.1 200"):
                sys.exit("unexpected answer: %r" % body[:80])
            count += 1
            resumed += tls.session_reused
            if mode == "reuse" and session is None:
                session = tls.session
print(count, round(time.monotonic() - start, 3), resumed)
PY

client() {  # command...: runs it where bench.localhost resolves to 127.0.0.1
  unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$TMP/hosts" "$@"
}
client true 2>/dev/null || die "unshare -m (a private /etc/hosts for the clients) failed: run as root"

# ---------------------------------------------------------------------------------------------------
# nginx: the upstream (plain HTTP, the one bench.sh uses) plus a TLS server block, the direct target
start_nginx "$NGINX_WORKERS" "burrow https bench" h
free_port NGINX_TLS_PORT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench test CA" \
  -keyout "$NGX/ca.key" -out "$NGX/ca.pem" 2> "$TMP/logs/openssl.log"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$NAME" \
  -keyout "$NGX/site.key" -out "$NGX/site.csr" 2>> "$TMP/logs/openssl.log"
printf 'subjectAltName=DNS:%s\n' "$NAME" > "$NGX/san.ext"
openssl x509 -req -in "$NGX/site.csr" -CA "$NGX/ca.pem" -CAkey "$NGX/ca.key" -CAcreateserial -days 2 \
  -extfile "$NGX/san.ext" -out "$NGX/site.pem" 2>> "$TMP/logs/openssl.log"
# The TLS server block goes into the same http {} as the upstream's: same worker, same file, same settings.
# Session cache and tickets on (nginx's defaults leave the shared cache off), as the edge offers resumption.
TLS_BLOCK="    server {
        listen $LOOPBACK:$NGINX_TLS_PORT ssl http2;
        server_name $NAME;
        ssl_certificate $NGX/site.pem;
        ssl_certificate_key $NGX/site.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:bench:10m;
        ssl_session_tickets on;
        root $NGX/www;
        location / { }
    }
}"
awk -v block="$TLS_BLOCK" '{ lines[NR] = $0 } END { for (i = NR; i > 0; i--) if (lines[i] ~ /^}/) { last = i; break }
  for (i = 1; i < last; i++) print lines[i]; print block }' "$NGX/nginx.conf" > "$NGX/nginx-tls.conf"
"$NGINX" -t -q -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx-tls.conf" 2>> "$TMP/logs/nginx.log" || die "nginx TLS config test failed"
cp "$NGX/nginx-tls.conf" "$NGX/nginx.conf"
kill -HUP "$NGINX_PID"
deadline=$((SECONDS + READY_TIMEOUT))
until client curl -s -o /dev/null --cacert "$NGX/ca.pem" "https://$NAME:$NGINX_TLS_PORT/index.html"; do
  [ "$SECONDS" -lt "$deadline" ] || die "nginx did not serve TLS on $LOOPBACK:$NGINX_TLS_PORT"
  sleep 0.2
done
log "nginx (pid $NGINX_PID): upstream http://$LOOPBACK:$NGINX_PORT, direct https://$NAME:$NGINX_TLS_PORT"

# ---------------------------------------------------------------------------------------------------
# Burrow: edge (HTTPS listener) + agent forwarding to nginx's plain port
read -ra JAVA_FLAGS <<< "$JAVA_OPTS"
EDGE_LOG="$TMP/logs/edge.log"
"$JAVA" "${JAVA_FLAGS[@]}" -jar "$EDGE_JAR" --http-port 0 --https-port 0 --tunnel-port 0 --bind-address "$LOOPBACK" \
  --data-dir "$TMP/edge-data" --domain localhost > "$EDGE_LOG" 2>&1 &
track $! edge
EDGE_PID=$!
edge_lines "$EDGE_LOG" "edge node"
EDGE_HTTPS_PORT=$(line_value "$EDGE_LOG" 'Public HTTPS listening on [^ ]*:([0-9]+)')
AGENT_LOG="$TMP/logs/agent.log"
"$JAVA" "${JAVA_FLAGS[@]}" -jar "$AGENT_JAR" http "$LOOPBACK:$NGINX_PORT" --server "$LOOPBACK:$EDGE_TUNNEL_PORT" \
  --authtoken "$EDGE_AUTHTOKEN" --edge-ca "$EDGE_CA" --subdomain "$SUBDOMAIN" --web-addr "$LOOPBACK:0" \
  > "$AGENT_LOG" 2>&1 &
track $! agent
AGENT_PID=$!
wait_for_line "$AGENT_LOG" "Forwarding http" "$READY_TIMEOUT" "$AGENT_PID" agent
deadline=$((SECONDS + READY_TIMEOUT))
until client curl -s -o /dev/null --fail --cacert "$EDGE_CA" "https://$NAME:$EDGE_HTTPS_PORT/index.html"; do
  kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited"
  [ "$SECONDS" -lt "$deadline" ] || die "the Burrow endpoint did not answer over HTTPS"
  sleep 0.2
done
log "burrow: https://$NAME:$EDGE_HTTPS_PORT -> edge (pid $EDGE_PID) -> agent (pid $AGENT_PID) -> nginx"

# ---------------------------------------------------------------------------------------------------
# Measurements
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# jit_ticks PID...: the CPU ticks of the JVMs' JIT compiler threads (C1/C2), so that a figure can leave out when the JIT
# happened to run (on a busy machine it still compiles during the measurement). The thread name sits in parentheses.
jit_ticks() {
  local p
  for p in "$@"; do cat /proc/"$p"/task/*/stat 2>/dev/null; done \
    | awk '{ lp = index($0, "("); rp = match($0, /\) [A-Za-z] /); name = substr($0, lp + 1, rp - lp - 1)
             split(substr($0, rp + 2), f, " "); if (name ~ /^C[12] CompilerThre/) t += f[12] + f[13] } END { print t + 0 }'
}
declare -A PORT CA SRV_PIDS
PORT[direct]=$NGINX_TLS_PORT; CA[direct]=$NGX/ca.pem; SRV_PIDS[direct]="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
PORT[burrow]=$EDGE_HTTPS_PORT; CA[burrow]=$EDGE_CA; SRV_PIDS[burrow]="$EDGE_PID $AGENT_PID"
read -ra TARGETS <<< "${TARGETS:-direct burrow}"
WARNINGS=()

declare -A W_RPS W_P50 W_P99 W_CPU H_RPS H_CPU FULL FULL_CPU FULL_NOJIT RES RES_CPU RES_NOJIT RES_SEEN
for tg in "${TARGETS[@]}"; do
  url="https://$NAME:${PORT[$tg]}/index.html"
  # shellcheck disable=SC2086  # a list of pids
  client curl -s --cacert "${CA[$tg]}" "$url" | cmp -s - "$BODY_FILE" || die "$tg: the page over HTTPS differs from the file"
  got=$(client curl -s -o /dev/null -w '%{http_version}' --http2 --cacert "${CA[$tg]}" "$url")
  [ "$got" = 2 ] || die "$tg: curl --http2 negotiated HTTP/$got, not HTTP/2"

  # The handshake path is warmed up on its own: keep-alive load barely runs it, and without this the JIT compiled it
  # during the handshake measurement (C2 took 31 % of the edge's CPU in a profile of that phase).
  log "$tg: warm-up ${WARMUP}s (full handshakes)"
  client timeout $((WARMUP + 60)) python3 "$TMP/handshakes.py" "$NAME" "${PORT[$tg]}" "${CA[$tg]}" new "$WARMUP" > /dev/null 2>&1 \
    || die "$tg: warm-up handshakes failed"
  if [ "$HANDSHAKES_ONLY" = 1 ]; then
    W_RPS[$tg]=-; W_P50[$tg]=-; W_P99[$tg]=-; W_CPU[$tg]=-; H_RPS[$tg]=-; H_CPU[$tg]=-
  else
    log "$tg: warm-up ${WARMUP}s (wrk, then h2load)"
    client timeout $((WARMUP + 60)) wrk -t2 -c50 -d"${WARMUP}s" "$url" > /dev/null 2>&1 || die "$tg: warm-up wrk failed"
    client timeout $((WARMUP + 60)) h2load -t2 -c50 -m10 -D "$WARMUP" "$url" > /dev/null 2>&1 || die "$tg: warm-up h2load failed"

    log "$tg: wrk HTTPS/1.1, 50 connections, ${DURATION}s"
    out="$TMP/logs/wrk-$tg.txt"
    # shellcheck disable=SC2086
    c0=$(cpu_ticks ${SRV_PIDS[$tg]})
    client timeout $((DURATION + 60)) wrk -t2 -c50 -d"${DURATION}s" --timeout 10s --latency "$url" > "$out" 2>&1 || die "$tg: wrk failed"
    # shellcheck disable=SC2086
    c1=$(cpu_ticks ${SRV_PIDS[$tg]})
    W_RPS[$tg]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
    reqs=$(awk '/ requests in / {print $1}' "$out")
    W_P50[$tg]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")"); W_P99[$tg]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    W_CPU[$tg]=$(awk -v c=$((c1 - c0)) -v t="$CLK_TCK" -v r="$reqs" 'BEGIN {printf "%.3f", c / t / r * 10000}')
    ! grep -q 'Non-2xx\|Socket errors' "$out" || WARNINGS+=("$tg wrk: $(grep 'Non-2xx\|Socket errors' "$out" | tr -s ' ' | tr '\n' ' ')")

    log "$tg: h2load HTTP/2, 50 connections x 10 streams, ${DURATION}s"
    out="$TMP/logs/h2load-$tg.txt"
    # shellcheck disable=SC2086
    c0=$(cpu_ticks ${SRV_PIDS[$tg]})
    client timeout $((DURATION + 60)) h2load -t2 -c50 -m10 -D "$DURATION" "$url" > "$out" 2>&1 || die "$tg: h2load failed"
    # shellcheck disable=SC2086
    c1=$(cpu_ticks ${SRV_PIDS[$tg]})
    H_RPS[$tg]=$(awk '/^finished in/ {gsub(",", "", $4); printf "%.0f", $4}' "$out")
    done2xx=$(awk '/^status codes:/ {print $3}' "$out")
    H_CPU[$tg]=$(awk -v c=$((c1 - c0)) -v t="$CLK_TCK" -v r="$done2xx" 'BEGIN {printf "%.3f", (r > 0) ? c / t / r * 10000 : 0}')
    grep -q 'Application protocol: h2' "$out" || WARNINGS+=("$tg h2load: did not negotiate h2")
    failed=$(awk '/^requests:/ {print $10}' "$out")
    [ "${failed:-0}" = 0 ] || WARNINGS+=("$tg h2load: $failed requests failed")
  fi

  for mode in new reuse; do
    log "$tg: handshakes ($mode sessions), ${DURATION}s"
    out="$TMP/logs/handshakes-$tg-$mode.txt"
    # shellcheck disable=SC2086
    c0=$(cpu_ticks ${SRV_PIDS[$tg]}); j0=$(jit_ticks ${SRV_PIDS[$tg]})
    client timeout $((DURATION + 60)) python3 "$TMP/handshakes.py" "$NAME" "${PORT[$tg]}" "${CA[$tg]}" "$mode" "$DURATION" > "$out" 2>&1 \
      || die "$tg: handshakes ($mode) failed: $(tail -n 3 "$out" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    c1=$(cpu_ticks ${SRV_PIDS[$tg]}); j1=$(jit_ticks ${SRV_PIDS[$tg]})
    read -r conns secs resumed <<< "$(tail -n 1 "$out")"
    rate=$(awk -v n="$conns" -v s="$secs" 'BEGIN {printf "%.0f", (s > 0) ? n / s : 0}')
    cpu=$(awk -v c=$((c1 - c0)) -v t="$CLK_TCK" -v n="$conns" 'BEGIN {printf "%.3f", (n > 0) ? c / t / n * 1000 : 0}')
    nojit=$(awk -v c=$((c1 - c0 - j1 + j0)) -v t="$CLK_TCK" -v n="$conns" 'BEGIN {printf "%.3f", (n > 0) ? c / t / n * 1000 : 0}')
    if [ "$mode" = new ]; then FULL[$tg]=$rate; FULL_CPU[$tg]=$cpu; FULL_NOJIT[$tg]=$nojit
    else RES[$tg]=$rate; RES_CPU[$tg]=$cpu; RES_NOJIT[$tg]=$nojit; RES_SEEN[$tg]="$resumed/$conns"; fi
  done
  log "$tg: wrk ${W_RPS[$tg]} req/s (p50 ${W_P50[$tg]} ms, p99 ${W_P99[$tg]} ms), h2load ${H_RPS[$tg]} req/s, handshakes full ${FULL[$tg]}/s, resumed ${RES[$tg]}/s (resumption: ${RES_SEEN[$tg]})"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ROWS=()
for tg in "${TARGETS[@]}"; do
  ROWS+=("$tg|${W_RPS[$tg]}|$(ratio "${W_RPS[$tg]}" "${W_RPS[direct]:-}")|${W_P50[$tg]}|${W_P99[$tg]}|${H_RPS[$tg]}|$(ratio "${H_RPS[$tg]}" "${H_RPS[direct]:-}")|${FULL[$tg]}|$(ratio "${FULL[$tg]}" "${FULL[direct]:-}")|${RES[$tg]}|$(ratio "${RES[$tg]}" "${RES[direct]:-}")|${RES_SEEN[$tg]}")
done
CPU_ROWS=()
for tg in "${TARGETS[@]}"; do
  CPU_ROWS+=("$tg|${W_CPU[$tg]}|${H_CPU[$tg]}|${FULL_CPU[$tg]}|${RES_CPU[$tg]}|${FULL_NOJIT[$tg]}|${RES_NOJIT[$tg]}")
done
HEAD="target|HTTPS/1.1 req/s @50|x direct|p50 ms|p99 ms|h2 req/s @50x10|x direct|full handshakes/s|x direct|resumed/s|x direct|resumed/total"
CPU_HEAD="target (server-side CPU)|s per 10k HTTPS/1.1 req|s per 10k h2 req|s per 1k full handshakes|s per 1k resumed|full, JIT threads left out|resumed, JIT left out"
print_table() { awk -F'|' '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
  END { for (r = 1; r <= n; r++) { line = sprintf("%-" w[1] "s", c[r, 1]); for (i = 2; i <= nf; i++) line = line sprintf("  %" w[i] "s", c[r, i]); print line } }'; }
echo; { echo "$HEAD"; printf '%s\n' "${ROWS[@]}"; } | print_table
echo; { echo "$CPU_HEAD"; printf '%s\n' "${CPU_ROWS[@]}"; } | print_table
for w in "${WARNINGS[@]}"; do echo "WARNING: $w"; done

mkdir -p "$(dirname "$OUT")"
{
  echo "# Burrow HTTPS benchmark, $(date '+%Y-%m-%d %H:%M:%S %Z')"
  echo
  echo "Machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr);" \
       "CPU ${IDLE_BEFORE}% idle before the run, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Tools: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //') ($NGINX_WORKERS worker), $(openssl version | cut -d' ' -f1-2)," \
       "$(h2load --version | head -n 1), $("$JAVA" -version 2>&1 | head -n 1) (JAVA_OPTS: $JAVA_OPTS)."
  echo "Settings: $([ "$QUICK" = 1 ] && echo 'quick mode, ')$([ "$HANDSHAKES_ONLY" = 1 ] && echo 'handshakes only, ')${DURATION}s per measurement after ${WARMUP}s warm-up; page $(stat -c %s "$BODY_FILE") B."
  echo
  echo "| ${HEAD//|/ | } |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for row in "${ROWS[@]}"; do echo "| ${row//|/ | } |"; done
  echo
  echo "| ${CPU_HEAD//|/ | } |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for row in "${CPU_ROWS[@]}"; do echo "| ${row//|/ | } |"; done
  if [ ${#WARNINGS[@]} -gt 0 ]; then echo; for w in "${WARNINGS[@]}"; do echo "- WARNING: $w"; done; fi
} > "$OUT"
log "results written to $OUT"

#!/usr/bin/env bash
# Burrow benchmark: direct nginx vs through a Burrow tunnel vs through `ssh -R`, in one run, on loopback.
#
# For each target it measures, against an nginx upstream serving a 1 KiB page and a 1 GiB file:
#   - req/s and p50/p99 latency at 50 connections  (wrk -t2 -c50 --latency, small page)
#   - p50 latency at 1 connection                  (wrk -t1 -c1 --latency, small page)
#   - bulk throughput downloading the big file      (curl, one connection; median of BULK_RUNS rounds
#                                                    that take each target in turn)
# and prints each figure with its ratio to direct, plus the p50 that each tunnel adds at 1 connection.
# For Burrow it also reports the CPU time (utime + stime from /proc) of the edge and of the agent per 10 000
# requests at 50 connections and per GiB downloaded: the figure that a busy machine disturbs least.
# The same table goes, as markdown, to $OUT. Method and figures: docs/benchmarks.md.
#
# Usage: load-tests/bench.sh [--quick] [--only-baselines] [--rebuild] [--out FILE] [--help]
#   --quick           CI smoke: 3 s per measurement, 64 MiB file, 1 s warm-up, one bulk download
#   --only-baselines  skip Burrow (no build, no JVMs): direct and ssh -R only
#   --rebuild         build the jars even if they exist (by default they are built only when absent,
#                     so after a change to the code path, rebuild or the old jars are measured)
#   --out FILE        markdown results file (default load-tests/results/bench-<date>.md; also $OUT)
# Environment (defaults in brackets; --quick changes the first four):
#   DURATION [15]  seconds per wrk measurement     WARMUP [30]  seconds of wrk warm-up per target (JIT)
#   BIG_MIB [1024] size of the bulk file in MiB    BULK_RUNS [3] bulk downloads per target (median kept)
#   NGINX_WORKERS [1]  JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC]
#   READY_TIMEOUT [90] seconds to wait for each process to come up
#   EDGE_JAR, AGENT_JAR [edge-node/target/burrow-edge.jar, agent/target/burrow.jar]  JAVA [java]
#   EDGE_ARGS, AGENT_ARGS [unset]  extra flags for the edge / the agent command line (word-split), to
#                  measure a setting without editing the script; they are written into the results
#   BENCH_SKIP_SSH [unset]  set to 1 to leave out the ssh -R target
#
# Everything binds to 127.0.0.1 only. Every process the script starts is stopped, and its temp dir
# removed, on exit, failure or Ctrl-C.
set -euo pipefail

LOG_NAME=bench
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
LOOPBACK=127.0.0.1
SUBDOMAIN=bench
TUNNEL_HOST="$SUBDOMAIN.localhost"

parse_flags "quick only-baselines rebuild out" "$@"

if [ "$QUICK" = 1 ]; then
  DURATION=${DURATION:-3}; WARMUP=${WARMUP:-1}; BIG_MIB=${BIG_MIB:-64}; BULK_RUNS=${BULK_RUNS:-1}
else
  # 30 s, not 5: with 5 s the JVMs' C2 compiler still takes 38-48 % of their CPU while the figures are taken
  # (docs/benchmarks.md, "Warm-up"). Direct nginx needs none, so a short warm-up measured the JIT, not the tunnel.
  DURATION=${DURATION:-15}; WARMUP=${WARMUP:-30}; BIG_MIB=${BIG_MIB:-1024}; BULK_RUNS=${BULK_RUNS:-3}
fi
NGINX_WORKERS=${NGINX_WORKERS:-1}
READY_TIMEOUT=${READY_TIMEOUT:-90}
# A fixed 256 MiB heap (the issue's bound for a 1 GiB transfer; no resizing during a run) and the
# Parallel collector: on 2 cores G1's concurrent marking and write barriers take CPU from the data path,
# while Parallel's young collections of a 256 MiB heap full of short-lived buffers stay around a ms.
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT_ARG:-${OUT:-$REPO_ROOT/load-tests/results/bench-$STAMP.md}}

positive_integers DURATION WARMUP BIG_MIB BULK_RUNS NGINX_WORKERS READY_TIMEOUT
cleanup_on_exit

# ---------------------------------------------------------------------------------------------------
# Tools
tools=(nginx=nginx wrk=wrk curl=curl ss=iproute2 timeout=coreutils)
[ -n "${BENCH_SKIP_SSH:-}" ] || tools+=(sshd=openssh-server ssh=openssh-client ssh-keygen=openssh-client)
[ "$ONLY_BASELINES" = 1 ] || need_java
install_tools "${tools[@]}"
NGINX=$(find_cmd nginx)
SSHD=$(find_cmd sshd)

# ---------------------------------------------------------------------------------------------------
# Jars
[ "$ONLY_BASELINES" = 1 ] || ensure_jars

# ---------------------------------------------------------------------------------------------------
# Is something else using the CPU? Figures taken on a busy machine are not comparable with others.
IDLE_BEFORE=$(cpu_idle_pct 2)
if [ "$IDLE_BEFORE" -lt 90 ]; then
  log "WARNING: the CPU was only ${IDLE_BEFORE}% idle before the run: something else is running; figures will be noisy"
fi

make_tmp bench

# ---------------------------------------------------------------------------------------------------
# nginx upstream: a 1 KiB page and a sparse big file
start_nginx "$NGINX_WORKERS" "burrow bench" b
SMALL_BYTES=$(stat -c %s "$NGX/www/index.html")
BIG_BYTES=$((BIG_MIB * 1024 * 1024))
truncate -s "$BIG_BYTES" "$NGX/www/big.bin"
cat "$NGX/www/big.bin" > /dev/null  # into the page cache: a cold first read runs at a fraction of the speed
log "nginx (pid $NGINX_PID, $NGINX_WORKERS worker) on $LOOPBACK:$NGINX_PORT: index.html ${SMALL_BYTES} B, big.bin ${BIG_MIB} MiB"

# ---------------------------------------------------------------------------------------------------
# Burrow: edge node + agent
HTTP_PORT=""
if [ "$ONLY_BASELINES" = 0 ]; then
  read -ra JAVA_FLAGS <<< "$JAVA_OPTS"
  EDGE_LOG="$TMP/logs/edge.log"
  read -ra EDGE_EXTRA <<< "${EDGE_ARGS:-}"
  read -ra AGENT_EXTRA <<< "${AGENT_ARGS:-}"
  "$JAVA" "${JAVA_FLAGS[@]}" -jar "$EDGE_JAR" --http-port 0 --https-port 0 --tunnel-port 0 --bind-address "$LOOPBACK" \
    --data-dir "$TMP/edge-data" --domain localhost "${EDGE_EXTRA[@]}" > "$EDGE_LOG" 2>&1 &
  track $! edge
  EDGE_PID=$!
  edge_lines "$EDGE_LOG" "edge node"
  HTTP_PORT=$EDGE_HTTP_PORT; TUNNEL_PORT=$EDGE_TUNNEL_PORT; AUTHTOKEN=$EDGE_AUTHTOKEN
  log "edge (pid $EDGE_PID): public HTTP $LOOPBACK:$HTTP_PORT, agent link $LOOPBACK:$TUNNEL_PORT"

  AGENT_LOG="$TMP/logs/agent.log"
  "$JAVA" "${JAVA_FLAGS[@]}" -jar "$AGENT_JAR" http "$LOOPBACK:$NGINX_PORT" --server "$LOOPBACK:$TUNNEL_PORT" \
    --authtoken "$AUTHTOKEN" --edge-ca "$EDGE_CA" --subdomain "$SUBDOMAIN" --web-addr "$LOOPBACK:0" "${AGENT_EXTRA[@]}" \
    > "$AGENT_LOG" 2>&1 &
  track $! agent
  AGENT_PID=$!
  wait_for_line "$AGENT_LOG" "Forwarding http://$SUBDOMAIN\\.localhost:[0-9]+ ->" "$READY_TIMEOUT" "$AGENT_PID" agent
  wait_http_ok "http://$LOOPBACK:$HTTP_PORT/index.html" "$TUNNEL_HOST" "$READY_TIMEOUT" "$AGENT_PID" "burrow tunnel"
  log "agent (pid $AGENT_PID): http://$TUNNEL_HOST:$HTTP_PORT -> $LOOPBACK:$NGINX_PORT"
fi

# ---------------------------------------------------------------------------------------------------
# ssh -R: private sshd + client forwarding a loopback port to nginx
SSH_FWD_PORT=""
if [ -z "${BENCH_SKIP_SSH:-}" ]; then
  free_port SSHD_PORT
  free_port SSH_FWD_PORT
  SSHDIR="$TMP/ssh"
  mkdir -p "$SSHDIR" && chmod 700 "$SSHDIR"
  [ "$(id -u)" != 0 ] || mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -C burrow-bench-host -f "$SSHDIR/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C burrow-bench-client -f "$SSHDIR/client_key"
  cp "$SSHDIR/client_key.pub" "$SSHDIR/authorized_keys"
  sed -e "s|@DIR@|$SSHDIR|g" -e "s|@PORT@|$SSHD_PORT|g" "$CONFIG_DIR/sshd_config.template" > "$SSHDIR/sshd_config"
  "$SSHD" -t -f "$SSHDIR/sshd_config" 2> "$TMP/logs/sshd.log" || die "sshd config test failed"
  "$SSHD" -D -e -f "$SSHDIR/sshd_config" >> "$TMP/logs/sshd.log" 2>&1 &
  track $! sshd
  SSHD_PID=$!
  deadline=$((SECONDS + READY_TIMEOUT))
  until [ -n "$(ss -Htln "sport = :$SSHD_PORT" 2>/dev/null)" ]; do
    kill -0 "$SSHD_PID" 2>/dev/null || die "sshd exited at start"
    [ "$SECONDS" -lt "$deadline" ] || die "sshd did not listen on $LOOPBACK:$SSHD_PORT within ${READY_TIMEOUT}s"
    sleep 0.1
  done
  ssh -F /dev/null -N -T -p "$SSHD_PORT" -i "$SSHDIR/client_key" \
    -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile="$SSHDIR/known_hosts" -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o ExitOnForwardFailure=yes -o ServerAliveInterval=15 -o ConnectTimeout=10 \
    -R "$LOOPBACK:$SSH_FWD_PORT:$LOOPBACK:$NGINX_PORT" "$(id -un)@$LOOPBACK" > "$TMP/logs/ssh.log" 2>&1 &
  track $! "ssh -R"
  SSH_PID=$!
  wait_http_ok "http://$LOOPBACK:$SSH_FWD_PORT/index.html" "$LOOPBACK" "$READY_TIMEOUT" "$SSH_PID" "ssh -R"
  SSH_CIPHER=$(ssh -F /dev/null -G "$LOOPBACK" 2>/dev/null | sed -n 's/^ciphers //p' | cut -d, -f1)
  log "ssh -R (pid $SSH_PID, sshd pid $SSHD_PID on $LOOPBACK:$SSHD_PORT): $LOOPBACK:$SSH_FWD_PORT -> $LOOPBACK:$NGINX_PORT"
fi

# ---------------------------------------------------------------------------------------------------
# Measurements

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # pid -> utime + stime, in clock ticks
# The JVMs whose CPU time is measured, by target: "name pid" pairs.
declare -A CPU_PIDS
[ -z "$HTTP_PORT" ] || CPU_PIDS[burrow]="edge $EDGE_PID agent $AGENT_PID"
declare -A CPU_AT CPU_SPENT  # [target,name] ticks when a measurement started; [key,name] ticks spent in it
cpu_mark() {  # target: remembers the ticks of each of its JVMs
  local tgt=$1
  # shellcheck disable=SC2086  # "name pid" pairs, split on purpose
  set -- ${CPU_PIDS[$tgt]:-}
  while [ $# -ge 2 ]; do CPU_AT[$tgt,$1]=$(cpu_ticks "$2"); shift 2; done
}
cpu_add() {  # target key: adds the ticks each of its JVMs spent since cpu_mark to CPU_SPENT[key,name]
  local tgt=$1 key=$2
  # shellcheck disable=SC2086  # "name pid" pairs, split on purpose
  set -- ${CPU_PIDS[$tgt]:-}
  while [ $# -ge 2 ]; do
    CPU_SPENT[$key,$1]=$(( ${CPU_SPENT[$key,$1]:-0} + $(cpu_ticks "$2") - ${CPU_AT[$tgt,$1]} ))
    shift 2
  done
}

WARNINGS=()
[ "$IDLE_BEFORE" -ge 90 ] || WARNINGS+=("CPU only ${IDLE_BEFORE}% idle in the 2 s before the run (other load on the machine): figures are noisy")

run_wrk() {  # name threads conns secs url host -> sets W_RPS W_P50 W_P99; keeps the raw output
  local name=$1 t=$2 c=$3 d=$4 url=$5 host=$6 outf errs non2xx
  outf="$TMP/logs/wrk-$name-c$c.txt"
  local hdr=()
  [ -z "$host" ] || hdr=(-H "Host: $host")
  timeout $((d + 60)) wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s --latency "${hdr[@]}" "$url" > "$outf" 2>&1 \
    || die "wrk against $name failed: $(tail -n 3 "$outf" | tr '\n' ' ')"
  W_RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$outf")
  W_REQS=$(awk '/ requests in / {print $1}' "$outf")
  W_P50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$outf")")
  W_P99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$outf")")
  [ -n "$W_RPS" ] && [ "$W_P50" != NaN ] && [ "$W_P99" != NaN ] || die "could not parse wrk output for $name: $outf"
  errs=$(sed -n 's/^ *Socket errors: *//p' "$outf")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$outf")
  [ -z "$errs" ] || WARNINGS+=("$name, $c conn: socket errors ($errs)")
  [ -z "$non2xx" ] || WARNINGS+=("$name, $c conn: $non2xx responses were not 2xx/3xx — figures are not valid")
}

bulk_once() {  # name url host -> sets B_MIBS to this download's MiB/s
  local name=$1 url=$2 host=$3 res code size speed
  res=$(curl -s -o /dev/null --max-time 600 -H "Host: $host" -w '%{http_code} %{size_download} %{speed_download}' "$url") \
    || die "bulk download via $name failed (curl exit $?)"
  read -r code size speed <<< "$res"
  [ "$code" = 200 ] || die "bulk download via $name: HTTP $code"
  [ "${size%.*}" = "$BIG_BYTES" ] || die "bulk download via $name: got $size bytes, expected $BIG_BYTES"
  B_MIBS=$(awk -v s="$speed" 'BEGIN {printf "%.1f", s / 1048576}')
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

check_page() {  # name url host: the page through this target is byte-identical to the file
  curl -s --max-time 10 -H "Host: $3" "$2" | cmp -s - "$NGX/www/index.html" \
    || die "the page fetched via $1 differs from the one nginx serves"
}

TARGETS=(direct)
declare -A URL HOST
URL[direct]="http://$LOOPBACK:$NGINX_PORT"; HOST[direct]="$LOOPBACK:$NGINX_PORT"
if [ -n "$HTTP_PORT" ]; then TARGETS+=(burrow); URL[burrow]="http://$LOOPBACK:$HTTP_PORT"; HOST[burrow]="$TUNNEL_HOST"; fi
if [ -n "$SSH_FWD_PORT" ]; then TARGETS+=("ssh -R"); URL["ssh -R"]="http://$LOOPBACK:$SSH_FWD_PORT"; HOST["ssh -R"]="$LOOPBACK:$SSH_FWD_PORT"; fi

declare -A RPS P50 P99 P50C1 BULK BULKALL REQS
WARM_BYTES=$(( BIG_BYTES < 268435456 ? BIG_BYTES : 268435456 ))
for tg in "${TARGETS[@]}"; do
  slug=${tg//[^a-z]/}
  u=${URL[$tg]}; h=${HOST[$tg]}
  check_page "$tg" "$u/index.html" "$h"
  # Warm-up (the JVMs need it for JIT; the others get the same so the runs are alike).
  log "$tg: warm-up ${WARMUP}s"
  timeout $((WARMUP + 60)) wrk -t2 -c50 -d"${WARMUP}s" --timeout 10s -H "Host: $h" "$u/index.html" > /dev/null 2>&1 \
    || die "warm-up wrk against $tg failed"
  log "$tg: 50 connections, ${DURATION}s"
  cpu_mark "$tg"
  run_wrk "$slug" 2 50 "$DURATION" "$u/index.html" "$h"
  cpu_add "$tg" "$tg,c50"
  RPS[$tg]=$W_RPS; P50[$tg]=$W_P50; P99[$tg]=$W_P99; REQS[$tg]=$W_REQS
  log "$tg: 1 connection, ${DURATION}s"
  run_wrk "$slug" 1 1 "$DURATION" "$u/index.html" "$h"
  P50C1[$tg]=$W_P50
  log "$tg: ${RPS[$tg]} req/s, p50 ${P50[$tg]} ms, p99 ${P99[$tg]} ms, p50@1 ${P50C1[$tg]} ms"
  log "$tg: bulk warm-up, $((WARM_BYTES / 1048576)) MiB"
  curl -s -o /dev/null --max-time 600 -H "Host: $h" -r "0-$((WARM_BYTES - 1))" "$u/big.bin" \
    || die "bulk warm-up via $tg failed"
done

# Bulk downloads in rounds, one per target per round, so a change in background load hits every target
# alike; the median of the rounds is kept.
for tg in "${TARGETS[@]}"; do BULKALL[$tg]=""; done
for round in $(seq 1 "$BULK_RUNS"); do
  for tg in "${TARGETS[@]}"; do
    cpu_mark "$tg"
    bulk_once "$tg" "${URL[$tg]}/big.bin" "${HOST[$tg]}"
    cpu_add "$tg" "$tg,bulk"
    BULKALL[$tg]="${BULKALL[$tg]:+${BULKALL[$tg]} }$B_MIBS"
  done
  log "bulk round $round/$BULK_RUNS (${BIG_MIB} MiB, MiB/s): $(for tg in "${TARGETS[@]}"; do printf '%s %s; ' "$tg" "${BULKALL[$tg]##* }"; done)"
done
for tg in "${TARGETS[@]}"; do
  # shellcheck disable=SC2086  # the runs are a space-separated list of numbers
  BULK[$tg]=$(median ${BULKALL[$tg]})
done

# ---------------------------------------------------------------------------------------------------
# Report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", a - b }'; }

ROWS=()
for tg in "${TARGETS[@]}"; do
  ROWS+=("$tg|${RPS[$tg]}|$(ratio "${RPS[$tg]}" "${RPS[direct]}")|${P50[$tg]}|${P99[$tg]}|${P50C1[$tg]}|$(added "${P50C1[$tg]}" "${P50C1[direct]}")|${BULK[$tg]}|$(ratio "${BULK[$tg]}" "${BULK[direct]}")")
done
HEAD="target|req/s @50|x direct|p50 @50 ms|p99 @50 ms|p50 @1 ms|added p50 @1 ms|bulk MiB/s|x direct"

VERDICT=()
if [ -n "$HTTP_PORT" ]; then
  r=$(ratio "${RPS[burrow]}" "${RPS[direct]}"); b=$(ratio "${BULK[burrow]}" "${BULK[direct]}")
  a=$(added "${P50C1[burrow]}" "${P50C1[direct]}")
  pf() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "PASS" : "SHORT" }'; }
  VERDICT+=("req/s at 50 connections: $r x direct (bar >= 0.50): $(pf "$r" 0.50 '>=')")
  VERDICT+=("bulk throughput: $b x direct (bar >= 0.40): $(pf "$b" 0.40 '>=')")
  VERDICT+=("added p50 at 1 connection: $a ms (bar <= 0.10 ms): $(pf "$a" 0.10 '<=')")
fi

echo
{ echo "$HEAD"; printf '%s\n' "${ROWS[@]}"; } | awk -F'|' '
  { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
  END { for (r = 1; r <= n; r++) { line = sprintf("%-" w[1] "s", c[r, 1])
          for (i = 2; i <= nf; i++) line = line sprintf("  %" w[i] "s", c[r, i]); print line } }'
CPU_LINES=()
for tg in "${TARGETS[@]}"; do
  # shellcheck disable=SC2086  # "name pid" pairs, split on purpose
  set -- ${CPU_PIDS[$tg]:-}
  while [ $# -ge 2 ]; do
    CPU_LINES+=("$(awk -v c="${CPU_SPENT[$tg,c50,$1]}" -v b="${CPU_SPENT[$tg,bulk,$1]}" -v t="$CLK_TCK" -v r="${REQS[$tg]}" \
      -v g="$(awk -v n="$BULK_RUNS" -v s="$BIG_BYTES" 'BEGIN {print n * s / 1073741824}')" -v who="$tg $1" \
      'BEGIN { printf "%s CPU: %.3f s per 10k requests at 50 connections (%d requests), %.2f s per GiB downloaded\n",
                      who, c / t / r * 10000, r, b / t / g }')")
    shift 2
  done
done

echo
for v in "${VERDICT[@]}"; do echo "burrow $v"; done
for c in "${CPU_LINES[@]}"; do echo "$c"; done
for w in "${WARNINGS[@]}"; do echo "WARNING: $w"; done

CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
NGINX_V=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
WRK_V=$(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}' || true)  # wrk -v exits 1
SSH_V=$(ssh -V 2>&1)
JAVA_V=""
[ "$ONLY_BASELINES" = 1 ] || JAVA_V=$("$JAVA" -version 2>&1 | head -n 1 || true)
mkdir -p "$(dirname "$OUT")"
{
  echo "# Burrow benchmark, $(date '+%Y-%m-%d %H:%M:%S %Z')"
  echo
  echo "Machine: $(nproc) cores ($CPU), $(uname -sr); everything on $LOOPBACK;" \
       "CPU ${IDLE_BEFORE}% idle before the run, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Tools: $NGINX_V ($NGINX_WORKERS worker), $WRK_V, $SSH_V${SSH_CIPHER:+ (cipher $SSH_CIPHER)}${JAVA_V:+, $JAVA_V (JAVA_OPTS: $JAVA_OPTS)}${EDGE_ARGS:+; EDGE_ARGS: $EDGE_ARGS}${AGENT_ARGS:+; AGENT_ARGS: $AGENT_ARGS}."
  echo "Settings: $([ "$QUICK" = 1 ] && echo 'quick mode, ')${DURATION}s per wrk measurement after ${WARMUP}s warm-up;" \
       "small page ${SMALL_BYTES} B; bulk file ${BIG_MIB} MiB, median of ${BULK_RUNS} round(s) of curl downloads."
  echo "Method: docs/benchmarks.md."
  echo
  echo "| ${HEAD//|/ | } |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do echo "| ${row//|/ | } |"; done
  echo
  for tg in "${TARGETS[@]}"; do echo "- $tg bulk runs (MiB/s): ${BULKALL[$tg]}"; done
  if [ ${#VERDICT[@]} -gt 0 ]; then echo; for v in "${VERDICT[@]}"; do echo "- burrow $v"; done; fi
  if [ ${#CPU_LINES[@]} -gt 0 ]; then echo; for c in "${CPU_LINES[@]}"; do echo "- $c"; done; fi
  if [ ${#WARNINGS[@]} -gt 0 ]; then echo; for w in "${WARNINGS[@]}"; do echo "- WARNING: $w"; done; fi
} > "$OUT"
log "results written to $OUT"

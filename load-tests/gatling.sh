#!/usr/bin/env bash
# Burrow Gatling load tests against a real 3-node cluster on loopback, in one run.
#
# Starts: three edge nodes as one cluster (127.0.0.1, 127.0.0.2, 127.0.0.3; one dev CA shared by all), an nginx
# upstream serving a 1 KiB page, a WebSocket echo upstream (dev.burrow.load.WebSocketEchoUpstream), and three
# agents with one link each to node 0: load.localhost -> nginx, ws.localhost -> echo, and one agent binding
# ENDPOINTS tunnels ep-1.localhost ... ep-N.localhost -> nginx from a config file (`burrow start --all`).
# Then runs the profiles named in PROFILES, each a `mvn -pl load-tests gatling:test`:
#   http                TunnelHttpSimulation   HTTP round-robin over the 3 nodes, open model (constant req/s)
#   saturation-node     SaturationSimulation   closed-model ramp 1 -> SAT_USERS users, all through node 0
#   saturation-cluster  SaturationSimulation   the same ramp spread round-robin over the 3 nodes
#   endpoints           ManyEndpointsSimulation  ENDPOINT_RATE req/s spread over the ENDPOINTS tunnels, 3 nodes
#   websocket           WebSocketSimulation    WS_USERS WebSockets held open for the run, every echo checked
#   relay               RelayHopSimulation     same closed-model load to node 0 (agent's link), then node 1 (hop)
#   smoke               SmokeSimulation        saturation ramp + endpoints + WebSockets at once, small (CI)
# Every response body is checked byte for byte. Prints each run's figures, the relay/same-node ratio, the heap of
# each Burrow JVM, where the HTML reports are, and stops everything.
# Fails (exit 1) if a simulation's assertions fail (any failed request, or p99 above P99_MS).
# The cross-region profile (CrossRegionSimulation) has its own script, load-tests/cross-region.sh:
# see docs/benchmarks.md.
#
# Usage: load-tests/gatling.sh [--quick] [--rebuild] [--help]
#   --quick    CI smoke: PROFILES=smoke,relay; smoke is 20 s after a 5 s warm-up: 8 users ramped over the cluster,
#              50 req/s over the ENDPOINTS tunnels and 20 WebSockets held open, all at once; relay 2 x 8 s
#   --rebuild  rebuild the jars even if they exist (otherwise built only when absent)
# Environment (defaults for the full profile; --quick changes them as said above):
#   PROFILES [http,saturation-node,saturation-cluster,endpoints,websocket,relay]  comma-separated, run in order
#   DURATION [60]  seconds of load per simulation (the saturation ramp and each relay phase too)
#   RATE [200]     req/s of TunnelHttpSimulation      WS_USERS [50]  WebSockets held open
#   SAT_USERS [64] users at the top of the ramp       SAT_HOLD [20]  seconds held at SAT_USERS (measured)
#   ENDPOINTS [1000]  tunnels of the endpoints agent  ENDPOINT_RATE [200]  req/s over all of them
#   WS_INTERVAL_MS [200]  pause between echoes        RELAY_USERS [16] concurrent users per relay phase
#   WARMUP [10]    seconds of warm-up (HTTP, relay)     P99_MS [1000]  p99 bound asserted by every simulation
#   RELAY_DURATION [DURATION]  seconds per relay path   RELAY_ROUNDS [2]  alternating same/relay rounds
#   JAVA_OPTS [-Xms256m -Xmx256m -XX:+UseParallelGC]  for edges and agents
#   READY_TIMEOUT [90]  seconds to wait for each process    EDGE_JAR, AGENT_JAR, JAVA
#
# Everything binds to 127.0.0.x only. Every process the script starts is stopped, and its temp dir removed,
# on exit, failure or Ctrl-C. Reports stay under load-tests/target/gatling/.
set -euo pipefail

LOG_NAME=gatling
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
SCRIPT_DIR="$REPO_ROOT/load-tests"
NODE_IPS=(127.0.0.1 127.0.0.2 127.0.0.3)
HTTP_HOST=load.localhost
WS_HOST=ws.localhost
PKG=dev.burrow.load

parse_flags "quick rebuild" "$@"

if [ "$QUICK" = 1 ]; then
  DURATION=${DURATION:-20}; RATE=${RATE:-50}; WS_USERS=${WS_USERS:-20}; WARMUP=${WARMUP:-5}
  RELAY_DURATION=${RELAY_DURATION:-8}; RELAY_USERS=${RELAY_USERS:-8}
  PROFILES=${PROFILES:-smoke,relay}; SAT_USERS=${SAT_USERS:-8}; ENDPOINT_RATE=${ENDPOINT_RATE:-50}
else
  DURATION=${DURATION:-60}; RATE=${RATE:-200}; WS_USERS=${WS_USERS:-50}; WARMUP=${WARMUP:-10}
  RELAY_DURATION=${RELAY_DURATION:-$DURATION}; RELAY_USERS=${RELAY_USERS:-16}
  PROFILES=${PROFILES:-http,saturation-node,saturation-cluster,endpoints,websocket,relay}
  SAT_USERS=${SAT_USERS:-64}; ENDPOINT_RATE=${ENDPOINT_RATE:-200}
fi
SAT_HOLD=${SAT_HOLD:-20}
ENDPOINTS=${ENDPOINTS:-1000}
WS_INTERVAL_MS=${WS_INTERVAL_MS:-200}
RELAY_ROUNDS=${RELAY_ROUNDS:-2}
P99_MS=${P99_MS:-1000}
READY_TIMEOUT=${READY_TIMEOUT:-90}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}

for p in ${PROFILES//,/ }; do
  case "$p" in http|saturation-node|saturation-cluster|endpoints|websocket|relay|smoke) ;;
    *) echo "gatling: unknown profile '$p' in PROFILES (known: http, saturation-node, saturation-cluster, endpoints, websocket, relay, smoke)" >&2; exit 2 ;;
  esac
done
want() { case ",$PROFILES," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
positive_integers SAT_USERS SAT_HOLD ENDPOINTS ENDPOINT_RATE DURATION RATE WS_USERS WS_INTERVAL_MS RELAY_USERS RELAY_DURATION RELAY_ROUNDS WARMUP P99_MS READY_TIMEOUT

MVN_PID=""  # the running `mvn gatling:test`, leader of its own process group
cleanup_hook() {
  if [ -n "$MVN_PID" ]; then kill -TERM -- "-$MVN_PID" 2>/dev/null; sleep 1; kill -KILL -- "-$MVN_PID" 2>/dev/null; fi
}
cleanup_on_exit

# ---------------------------------------------------------------------------------------------------
# Tools
need_java
command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven)"
install_tools nginx=nginx curl=curl ss=iproute2 jq=jq timeout=coreutils
NGINX=$(find_cmd nginx)

# ---------------------------------------------------------------------------------------------------
# Jars, simulations, and the test classpath (for the WebSocket echo upstream)
ensure_jars

IDLE_BEFORE=$(cpu_idle_pct 2)
[ "$IDLE_BEFORE" -ge 90 ] || log "WARNING: the CPU was only ${IDLE_BEFORE}% idle before the run: something else is running; figures will be noisy"

make_tmp gatling

log "compiling the simulations (mvn -pl load-tests test-compile)"
(cd "$REPO_ROOT" && mvn -B -q -pl load-tests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$TMP/classpath.txt" > "$TMP/logs/mvn-compile.log" 2>&1) \
  || { tail -n 30 "$TMP/logs/mvn-compile.log" >&2; die "compiling load-tests failed"; }
TEST_CP="$SCRIPT_DIR/target/test-classes:$(cat "$TMP/classpath.txt")"

read -ra JAVA_FLAGS <<< "$JAVA_OPTS"
read -ra HZ_FLAGS <<< "$HZ_OPTS"

# ---------------------------------------------------------------------------------------------------
# Upstreams: nginx (a 1 KiB page) and the WebSocket echo
start_nginx 1 "burrow load" g
log "nginx (pid $NGINX_PID) on 127.0.0.1:$NGINX_PORT: index.html $(stat -c %s "$BODY_FILE") B"

ECHO_LOG="$TMP/logs/ws-echo.log"
"$JAVA" -Xmx128m -cp "$TEST_CP" "$PKG.WebSocketEchoUpstream" 127.0.0.1 0 > "$ECHO_LOG" 2>&1 &
track $! "websocket echo"
ECHO_PID=$!
wait_for_line "$ECHO_LOG" 'WebSocket echo listening on [^ ]+:[0-9]+' "$READY_TIMEOUT" "$ECHO_PID" "websocket echo"
ECHO_PORT=$(line_value "$ECHO_LOG" 'WebSocket echo listening on [^ ]+:([0-9]+)')
log "websocket echo (pid $ECHO_PID) on 127.0.0.1:$ECHO_PORT"

# ---------------------------------------------------------------------------------------------------
# The cluster: node 0 first (it makes the dev CA), then its CA copied to nodes 1 and 2 before they start.
CLUSTER_PORTS=()
for i in 0 1 2; do free_port CLUSTER_PORT; CLUSTER_PORTS+=("$CLUSTER_PORT"); done
HTTP_PORTS=(); TUNNEL_PORTS=(); OPS_PORTS=(); EDGE_PIDS=()
start_edge() {  # index [extra args...]
  local i=$1 members="" j
  shift
  for j in 0 1 2; do
    [ "$j" = "$i" ] || members="${members:+$members,}${NODE_IPS[$j]}:${CLUSTER_PORTS[$j]}"
  done
  "$JAVA" "${JAVA_FLAGS[@]}" "${HZ_FLAGS[@]}" -jar "$EDGE_JAR" --node-id "node-$i" \
    --bind-address "${NODE_IPS[$i]}" --advertise-address "${NODE_IPS[$i]}" \
    --http-port 0 --https-port 0 --tunnel-port 0 --ops-port 0 --domain localhost --data-dir "$TMP/edge-$i" \
    --cluster-port "${CLUSTER_PORTS[$i]}" --cluster-members "$members" --cluster-join-wait 0s \
    "$@" > "$TMP/logs/edge-$i.log" 2>&1 &
  track $! "edge $i"
  EDGE_PIDS[$i]=$!
}
edge_ready() {  # index: wait for "Edge node ready", read its ports
  local i=$1 EDGE_PID=${EDGE_PIDS[$1]}
  edge_lines "$TMP/logs/edge-$1.log" "edge node $i"
  HTTP_PORTS[$i]=$EDGE_HTTP_PORT; TUNNEL_PORTS[$i]=$EDGE_TUNNEL_PORT; OPS_PORTS[$i]=$EDGE_OPS_PORT
  log "edge $i (pid ${EDGE_PIDS[$i]}): public HTTP ${NODE_IPS[$i]}:${HTTP_PORTS[$i]}, agent link ${NODE_IPS[$i]}:${TUNNEL_PORTS[$i]}, cluster port ${CLUSTER_PORTS[$i]}"
}

start_edge 0
edge_ready 0
CA_FILE=$EDGE_CA
AUTHTOKEN=$EDGE_AUTHTOKEN
for i in 1 2; do
  mkdir -p "$TMP/edge-$i" && chmod 700 "$TMP/edge-$i"
  cp -p "$TMP/edge-0/ca.pem" "$TMP/edge-0/ca-key.pem" "$TMP/edge-$i/"
  # Node 0's token is accepted everywhere, so any node could take the agent's link.
  BURROW_AUTHTOKEN="$AUTHTOKEN" start_edge "$i"
done
for i in 1 2; do edge_ready "$i"; done
deadline=$((SECONDS + READY_TIMEOUT))
# Node 0's own count of the cluster (Hazelcast's member list is not on its screen: libraries log at WARN).
until curl -s --max-time 2 "http://${NODE_IPS[0]}:${OPS_PORTS[0]}/metrics" | grep -q '^burrow_cluster_members 3'; do
  [ "$SECONDS" -lt "$deadline" ] || die "the 3 edge nodes did not form one cluster within ${READY_TIMEOUT}s"
  sleep 0.2
done
log "cluster of 3 formed"

# ---------------------------------------------------------------------------------------------------
# Agents: one link each, to node 0, so node 0 is the same-node path and nodes 1 and 2 relay.
start_agent() {  # name subdomain upstream
  local name=$1 sub=$2 up=$3 log="$TMP/logs/agent-$1.log" pid
  BURROW_AUTHTOKEN="$AUTHTOKEN" "$JAVA" "${JAVA_FLAGS[@]}" -jar "$AGENT_JAR" http "$up" \
    --server "${NODE_IPS[0]}:${TUNNEL_PORTS[0]}" --edge-ca "$CA_FILE" --subdomain "$sub" --links 1 \
    --web-addr false > "$log" 2>&1 &
  pid=$!
  track "$pid" "agent $name"
  wait_for_line "$log" "Forwarding http://$sub\\.localhost:[0-9]+ ->" "$READY_TIMEOUT" "$pid" "agent $name"
  for i in 0 1 2; do
    wait_http_ok "http://${NODE_IPS[$i]}:${HTTP_PORTS[$i]}/" "$sub.localhost" "$READY_TIMEOUT" "$pid" "node $i"
  done
  log "agent $name (pid $pid): $sub.localhost -> $up, reachable through all 3 nodes"
}
start_agent http load "127.0.0.1:$NGINX_PORT"
start_agent ws ws "127.0.0.1:$ECHO_PORT"
# Many endpoints over one session: a config file for `burrow start --all`.
EP_CONFIG="$TMP/endpoints.yml"
{
  printf 'version: 1\nagent:\n  links: 1\n  inspect: false\n  web_addr: false\n  log: stdout\nendpoints:\n'
  for ((e = 1; e <= ENDPOINTS; e++)); do
    printf '  - name: ep-%d\n    url: ep-%d.localhost\n    upstream: 127.0.0.1:%s\n' "$e" "$e" "$NGINX_PORT"
  done
} > "$EP_CONFIG"
EP_LOG="$TMP/logs/agent-endpoints.log"
ep_started=$SECONDS
BURROW_AUTHTOKEN="$AUTHTOKEN" "$JAVA" "${JAVA_FLAGS[@]}" -jar "$AGENT_JAR" start --all --config "$EP_CONFIG" \
  --server "${NODE_IPS[0]}:${TUNNEL_PORTS[0]}" --edge-ca "$CA_FILE" > "$EP_LOG" 2>&1 &
EP_PID=$!
track "$EP_PID" "agent endpoints"
for i in 0 1 2; do
  for e in 1 "$ENDPOINTS"; do
    wait_http_ok "http://${NODE_IPS[$i]}:${HTTP_PORTS[$i]}/" "ep-$e.localhost" "$READY_TIMEOUT" "$EP_PID" "node $i"
  done
done
log "agent endpoints (pid $EP_PID): ep-1..ep-$ENDPOINTS.localhost -> nginx, all bound and reachable in $((SECONDS - ep_started)) s"
ENDPOINT_BIND_S=$((SECONDS - ep_started))

for i in 0 1 2; do
  curl -s --max-time 10 -H "Host: $HTTP_HOST" "http://${NODE_IPS[$i]}:${HTTP_PORTS[$i]}/index.html" | cmp -s - "$BODY_FILE" \
    || die "the page fetched through node $i differs from the one nginx serves"
done

metric() {  # node metric-name: the sum of that metric's samples on the node's /metrics (empty if none)
  curl -s --max-time 5 "http://${NODE_IPS[$1]}:${OPS_PORTS[$1]}/metrics" 2>/dev/null \
    | awk -v m="$2" '/^#/ { next } { k = $1; sub(/\{.*/, "", k) } k == m || k == m "_total" { s += $NF; f = 1 }
                   END { if (f) printf "%.0f", s }'
}
# The comparison only means something if both agents' links are on node 0 and nowhere else.
if [ -n "${OPS_PORTS[0]}" ]; then
  links=""; for i in 0 1 2; do links="$links $(metric "$i" burrow_agent_links)"; done
  log "agent links per node (burrow_agent_links):$links"
  bound=$(metric 0 burrow_endpoints)
  [ -z "$bound" ] || log "endpoints bound on node 0 (burrow_endpoints): $bound"
  [ "$(echo "$links" | awk '{print $1}')" = 3 ] || log "WARNING: expected all three agent links on node 0"
fi

NODES=""
for i in 0 1 2; do NODES="${NODES:+$NODES,}http://${NODE_IPS[$i]}:${HTTP_PORTS[$i]}"; done

# ---------------------------------------------------------------------------------------------------
# Simulations
REPORTS=()
FAILED=()
SUMMARY=()
run_simulation() {  # class -Dprop=value...: runs it; sets RUN_DIR to its report dir
  local cls=$1 out="$TMP/logs/gatling-$1.log" rc=0 marker="$TMP/started-$1"
  shift
  log "running $cls"
  HEAP_SHOWN=0
  touch "$marker"
  # In its own process group (setsid), so that Ctrl-C or a CI timeout also stops Gatling's forked JVM.
  (cd "$REPO_ROOT" && exec setsid timeout 900 mvn -B -q -pl load-tests gatling:test \
    -Dgatling.simulationClass="$PKG.$cls" -Dburrow.p99ms="$P99_MS" -Dburrow.body="$BODY_FILE" "$@") > "$out" 2>&1 &
  MVN_PID=$!
  wait "$MVN_PID" || rc=$?
  MVN_PID=""
  # The newest report of this simulation (its folder is named <class in lower case>-<timestamp>).
  RUN_DIR=$(ls -1td "$SCRIPT_DIR/target/gatling/${cls,,}"-*/ 2>/dev/null | head -n 1 || true)
  RUN_DIR=${RUN_DIR%/}
  { [ -n "$RUN_DIR" ] && [ "$RUN_DIR" -nt "$marker" ] && [ -f "$RUN_DIR/index.html" ]; } || RUN_DIR=""
  if [ "$rc" -ne 0 ]; then
    FAILED+=("$cls")
    log "$cls FAILED (exit $rc); its output:"
    grep -vE '^\s*$' "$out" | tail -n 40 | sed 's/^/    /' >&2
  fi
  [ -n "$RUN_DIR" ] && [ -f "$RUN_DIR/index.html" ] && REPORTS+=("$cls: $RUN_DIR/index.html")
  return 0
}

stats() {  # run-dir name -> "count ko rps p50 p95 p99 max" of that row of the report's stats table
  # ("All Requests" for the total). Read from index.html: Gatling 3.15 writes no stats.json.
  awk -v want="$2" '
    /class="ellipsed-name">/ { n = $0; sub(/.*class="ellipsed-name">/, "", n); sub(/<\/span>.*/, "", n); name = n; delete v }
    /<td class="value .*col-[0-9]+">/ { c = $0; sub(/.*col-/, "", c); val = c; sub(/^[0-9]+">/, "", val)
                                        sub(/<.*/, "", val); sub(/".*/, "", c); v[c] = val }
    /<\/tr>/ && name != "" { if (name == want && !found) { print v[2], v[4], v[6], v[8], v[10], v[11], v[12]; found = 1 }
                             name = "" }
    END { if (!found) print "- - 0 - - - -" }' "$1/index.html"
}

per_sec() {  # "count ..." seconds -> count / seconds (Gatling's own mean spans the whole run, warm-up included)
  awk -v c="${1%% *}" -v d="$2" 'BEGIN { printf "%.1f", (c ~ /^[0-9]+$/ && d > 0 ? c / d : 0) }'
}

fmt_stats() {  # label "count ko rps p50 p95 p99 max" [rps override]
  local label=$1 c ko rps p50 p95 p99 mx
  read -r c ko rps p50 p95 p99 mx <<< "$2"
  [ -z "${3:-}" ] || rps=$3
  printf '%-34s %8s req  %4s failed  %8.1f req/s  p50 %5s ms  p95 %5s ms  p99 %5s ms  max %5s ms' \
    "$label" "$c" "$ko" "$rps" "$p50" "$p95" "$p99" "$mx"
}

heap() {  # pid -> "used/committed MiB heap, RSS MiB" of a JVM (jcmd GC.heap_info, /proc)
  local used total rss
  read -r total used < <(jcmd "$1" GC.heap_info 2>/dev/null | sed -nE 's/.*total ([0-9]+)K, used ([0-9]+)K.*/\1 \2/p' \
    | awk '{t += $1; u += $2} END {print t, u}')
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)
  if [ -n "${total:-}" ] && [ "${total:-0}" != 0 ]; then
    printf 'heap used %s of %s MiB, RSS %s MiB' "$(( used / 1024 ))" "$(( total / 1024 ))" "$(( ${rss:-0} / 1024 ))"
  else
    printf 'heap n/a (no jcmd), RSS %s MiB' "$(( ${rss:-0} / 1024 ))"
  fi
}
HEAP_SHOWN=0  # set when the heap was printed after the last simulation that ran
heap_lines() {  # label: one summary line per Burrow JVM
  local i
  HEAP_SHOWN=1
  for i in 0 1 2; do SUMMARY+=("  heap after $1: edge $i $(heap "${EDGE_PIDS[$i]}")"); done
  SUMMARY+=("  heap after $1: endpoints agent $(heap "$EP_PID")")
}

saturation() {  # label nodes
  local label=$1 nodes=$2 i n row total=0 c
  run_simulation SaturationSimulation -Dburrow.nodes="$nodes" -Dburrow.host="$HTTP_HOST" \
    -Dburrow.duration="$DURATION" -Dburrow.users="$SAT_USERS" -Dburrow.hold="$SAT_HOLD"
  [ -n "$RUN_DIR" ] || return 0
  n=$(tr ',' '\n' <<< "$nodes" | wc -l)
  SUMMARY+=("Saturation $label: closed model, 1 -> ${SAT_USERS} users over ${DURATION}s, then ${SAT_HOLD}s held (measured):")
  for ((i = 0; i < n; i++)); do
    row=$(stats "$RUN_DIR" "GET via node-$i"); c=${row%% *}; [[ $c =~ ^[0-9]+$ ]] && total=$((total + c))
    SUMMARY+=("  $(fmt_stats "held, node-$i" "$row" "$(per_sec "$row" "$SAT_HOLD")")")
  done
  SUMMARY+=("  saturated throughput, all nodes: $(per_sec "$total" "$SAT_HOLD") req/s")
  heap_lines "saturation $label"
}

want saturation-node && saturation "through node 0" "http://${NODE_IPS[0]}:${HTTP_PORTS[0]}"
want saturation-cluster && saturation "over the 3-node cluster" "$NODES"

if want endpoints; then
  [ $((ENDPOINT_RATE * DURATION)) -ge "$ENDPOINTS" ] \
    || log "WARNING: ENDPOINT_RATE x DURATION < ENDPOINTS: not every endpoint gets a request"
  run_simulation ManyEndpointsSimulation -Dburrow.nodes="$NODES" -Dburrow.endpoints="$ENDPOINTS" \
    -Dburrow.duration="$DURATION" -Dburrow.rate="$ENDPOINT_RATE" -Dburrow.warmup="$WARMUP"
  if [ -n "$RUN_DIR" ]; then
    SUMMARY+=("Many endpoints: ${ENDPOINTS} tunnels on one agent (bound in ${ENDPOINT_BIND_S}s), ${ENDPOINT_RATE} req/s over all, ${DURATION}s:")
    for i in 0 1 2; do
      row=$(stats "$RUN_DIR" "GET via node-$i")
      SUMMARY+=("  $(fmt_stats "node-$i" "$row" "$(per_sec "$row" "$DURATION")")")
    done
    heap_lines "many endpoints"
  fi
fi

if want smoke; then
  run_simulation SmokeSimulation -Dburrow.nodes="$NODES" -Dburrow.host="$HTTP_HOST" -Dburrow.wsHost="$WS_HOST" \
    -Dburrow.endpoints="$ENDPOINTS" -Dburrow.duration="$DURATION" -Dburrow.warmup="$WARMUP" \
    -Dburrow.users="$SAT_USERS" -Dburrow.rate="$ENDPOINT_RATE" -Dburrow.wsUsers="$WS_USERS" \
    -Dburrow.wsIntervalMs="$WS_INTERVAL_MS"
  if [ -n "$RUN_DIR" ]; then
    SUMMARY+=("Smoke, ${DURATION}s at once: ramp to ${SAT_USERS} users, ${ENDPOINT_RATE} req/s over ${ENDPOINTS} tunnels (bound in ${ENDPOINT_BIND_S}s), ${WS_USERS} WebSockets held:")
    for k in saturation endpoints echo; do
      for i in 0 1 2; do
        row=$(stats "$RUN_DIR" "$k via node-$i")
        SUMMARY+=("  $(fmt_stats "$k via node-$i" "$row" "$(per_sec "$row" "$DURATION")")")
      done
    done
    heap_lines smoke
  fi
fi

want http && run_simulation TunnelHttpSimulation -Dburrow.nodes="$NODES" -Dburrow.host="$HTTP_HOST" \
  -Dburrow.duration="$DURATION" -Dburrow.rate="$RATE" -Dburrow.warmup="$WARMUP"
if want http && [ -n "$RUN_DIR" ]; then
  SUMMARY+=("HTTP, ${RATE} req/s open model over 3 nodes, ${DURATION}s after ${WARMUP}s warm-up (not counted below):")
  for i in 0 1 2; do
    row=$(stats "$RUN_DIR" "GET via node-$i")
    SUMMARY+=("  $(fmt_stats "node-$i$([ "$i" = 0 ] && echo ' (agent link)' || echo ' (relays)')" "$row" "$(per_sec "$row" "$DURATION")")")
  done
fi

want websocket && run_simulation WebSocketSimulation -Dburrow.nodes="$NODES" -Dburrow.wsHost="$WS_HOST" \
  -Dburrow.duration="$DURATION" -Dburrow.wsUsers="$WS_USERS" -Dburrow.wsIntervalMs="$WS_INTERVAL_MS"
if want websocket && [ -n "$RUN_DIR" ]; then
  SUMMARY+=("WebSocket, ${WS_USERS} sockets held ${DURATION}s, one echo each per ${WS_INTERVAL_MS} ms:")
  SUMMARY+=("  $(fmt_stats "all (connect, echo, close)" "$(stats "$RUN_DIR" "All Requests")")")
  for i in 0 1 2; do SUMMARY+=("  $(fmt_stats "connect via node-$i" "$(stats "$RUN_DIR" "connect via node-$i")")"); done
  for i in 0 1 2; do
    row=$(stats "$RUN_DIR" "echo via node-$i")
    SUMMARY+=("  $(fmt_stats "echo via node-$i" "$row" "$(per_sec "$row" "$DURATION")")")
  done
fi

want relay && run_simulation RelayHopSimulation -Dburrow.sameNode="http://${NODE_IPS[0]}:${HTTP_PORTS[0]}" \
  -Dburrow.relayNode="http://${NODE_IPS[1]}:${HTTP_PORTS[1]}" -Dburrow.host="$HTTP_HOST" \
  -Dburrow.duration="$RELAY_DURATION" -Dburrow.users="$RELAY_USERS" -Dburrow.warmup="$WARMUP" \
  -Dburrow.rounds="$RELAY_ROUNDS"
if want relay && [ -n "$RUN_DIR" ]; then
  S=$(stats "$RUN_DIR" "GET same-node"); R=$(stats "$RUN_DIR" "GET relay-hop")
  read -r sc _ _ _ _ sp99 _ <<< "$S"; read -r rc_ _ _ _ _ rp99 _ <<< "$R"
  # req/s over the phase itself (Gatling's mean is over the whole run, which holds all three phases)
  srps=$(per_sec "$sc" "$RELAY_DURATION")
  rrps=$(per_sec "$rc_" "$RELAY_DURATION")
  rps_ratio=$(awk -v a="$rrps" -v b="$srps" 'BEGIN {printf "%.0f", (b > 0 ? 100 * a / b : 0)}')
  p99_ratio=$(awk -v a="$rp99" -v b="$sp99" 'BEGIN {printf "%.0f", (a > 0 ? 100 * b / a : 0)}')
  SUMMARY+=("Relay hop, ${RELAY_USERS} users closed model, ${RELAY_DURATION}s per path in ${RELAY_ROUNDS} alternating rounds, after ${WARMUP}s warm-up:")
  SUMMARY+=("  $(fmt_stats "same-node (node-0, agent link)" "$S" "$srps")")
  SUMMARY+=("  $(fmt_stats "relay-hop (node-1 -> node-0)" "$R" "$rrps")")
  verdict=$([ "${rps_ratio:-0}" -ge 75 ] && echo PASS || echo SHORT)
  relayed=$(metric 1 burrow_relayed_streams)
  [ -z "$relayed" ] || SUMMARY+=("  node-1 relayed streams so far, all simulations (burrow_relayed_streams): $relayed")
  SUMMARY+=("  relay-hop req/s = ${rps_ratio}% of same-node (bar >= 75%: $verdict); same-node p99 / relay-hop p99 = ${p99_ratio}%")
fi

[ "$HEAP_SHOWN" = 1 ] || heap_lines "the last profile"
echo
echo "Machine: $(nproc) cores, CPU ${IDLE_BEFORE}% idle before the run, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "HTML reports:"
printf '  %s\n' "${REPORTS[@]}"
[ ${#FAILED[@]} -eq 0 ] || die "simulations failed: ${FAILED[*]} (assertions: 0 failed requests, p99 < ${P99_MS} ms)"
log "all simulations passed"

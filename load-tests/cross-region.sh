#!/usr/bin/env bash
# The cross-region relay profile: two regions on loopback, one edge node each (region a on 127.0.0.1, region b
# on 127.0.0.2, one shared CA, each listing the other in --region-peers), nginx serving the 1 KiB page, and one
# agent linked to region a. Then CrossRegionSimulation: the same closed-model load alternately to region a's
# edge (home-region: the agent's link) and to region b's edge (other-region: relayed to region a), every body
# checked, 0 failed and p99 < P99_MS asserted. Prints the ratio and stops everything.
#
# Needs edge and agent jars with regions (--region, --region-peers): main from the regions merge on.
# Usage: load-tests/cross-region.sh      Environment: DURATION [30] seconds per path, USERS [16], ROUNDS [2],
#   WARMUP [5], P99_MS [1000], EDGE_JAR, AGENT_JAR, JAVA, READY_TIMEOUT [90]
set -euo pipefail
LOG_NAME=cross-region
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
SCRIPT_DIR="$REPO_ROOT/load-tests"
parse_flags "" "$@"
DURATION=${DURATION:-30}; USERS=${USERS:-16}; ROUNDS=${ROUNDS:-2}; WARMUP=${WARMUP:-5}; P99_MS=${P99_MS:-1000}
READY_TIMEOUT=${READY_TIMEOUT:-90}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}
for f in "$EDGE_JAR" "$AGENT_JAR"; do [ -f "$f" ] || die "$f not found (mvn -DskipTests package)"; done
"$JAVA" -jar "$EDGE_JAR" --help 2>&1 | grep -q -- '--region-peers' || die "$EDGE_JAR has no --region-peers: it predates regions"
NGINX=$(find_cmd nginx); [ -n "$NGINX" ] || die "nginx not found (apt-get install nginx)"

cleanup_on_exit
make_tmp xregion
read -ra JF <<< "$JAVA_OPTS"; read -ra HZ <<< "$HZ_OPTS"

start_nginx 1 "burrow load" g

free_port RELAY_A; free_port RELAY_B
start_edge() {  # region ip relay-port peer: starts it, waits until ready, reads its lines (EDGE_*)
  local cluster_port
  free_port cluster_port
  "$JAVA" "${JF[@]}" "${HZ[@]}" -jar "$EDGE_JAR" --node-id "$1-0" --region "$1" --bind-address "$2" \
    --advertise-address "$2" --http-port 0 --https-port 0 --tunnel-port 0 --ops-port 0 --relay-port "$3" --cluster-port "$cluster_port" \
    --domain localhost --data-dir "$TMP/edge-$1" --region-peers "$4" > "$TMP/logs/edge-$1.log" 2>&1 &
  EDGE_PID=$!
  track "$EDGE_PID" "edge $1"
  edge_lines "$TMP/logs/edge-$1.log" "edge $1"
}
start_edge a 127.0.0.1 "$RELAY_A" "b=127.0.0.2:$RELAY_B"
TOKEN=$EDGE_AUTHTOKEN; HTTP_A=$EDGE_HTTP_PORT; TUNNEL_A=$EDGE_TUNNEL_PORT
mkdir -p "$TMP/edge-b" && chmod 700 "$TMP/edge-b" && cp -p "$TMP/edge-a/ca.pem" "$TMP/edge-a/ca-key.pem" "$TMP/edge-b/"
BURROW_AUTHTOKEN="$TOKEN" start_edge b 127.0.0.2 "$RELAY_B" "a=127.0.0.1:$RELAY_A"
HTTP_B=$EDGE_HTTP_PORT
log "region a: 127.0.0.1:$HTTP_A (relay $RELAY_A); region b: 127.0.0.2:$HTTP_B (relay $RELAY_B)"

BURROW_AUTHTOKEN="$TOKEN" "$JAVA" "${JF[@]}" -jar "$AGENT_JAR" http "127.0.0.1:$NGINX_PORT" --server "127.0.0.1:$TUNNEL_A" \
  --edge-ca "$TMP/edge-a/ca.pem" --subdomain load --links 1 --web-addr false > "$TMP/logs/agent.log" 2>&1 &
AGENT_PID=$!
track "$AGENT_PID" agent
wait_for_line "$TMP/logs/agent.log" 'Forwarding http://load\.localhost' "$READY_TIMEOUT" "$AGENT_PID" agent
for url in "http://127.0.0.1:$HTTP_A" "http://127.0.0.2:$HTTP_B"; do
  ok=0
  for i in $(seq 1 $((READY_TIMEOUT * 10))); do
    if curl -s --max-time 5 -H 'Host: load.localhost' "$url/index.html" | cmp -s - "$NGX/www/index.html"; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || die "$url did not serve the page through the tunnel"
done
log "the page is served through both regions; running CrossRegionSimulation (${DURATION}s per path, $USERS users)"
(cd "$REPO_ROOT" && mvn -B -q -pl load-tests gatling:test -Dgatling.simulationClass=dev.burrow.load.CrossRegionSimulation \
  -Dburrow.homeRegion="http://127.0.0.1:$HTTP_A" -Dburrow.otherRegion="http://127.0.0.2:$HTTP_B" -Dburrow.host=load.localhost \
  -Dburrow.body="$NGX/www/index.html" -Dburrow.users="$USERS" -Dburrow.duration="$DURATION" -Dburrow.rounds="$ROUNDS" \
  -Dburrow.warmup="$WARMUP" -Dburrow.p99ms="$P99_MS") > "$TMP/logs/gatling.log" 2>&1 || { tail -n 30 "$TMP/logs/gatling.log" >&2; die "CrossRegionSimulation failed"; }
RUN=$(ls -1td "$SCRIPT_DIR"/target/gatling/crossregionsimulation-*/ | head -n 1)
RUN=${RUN%/}
row() {  # name -> "count ko p50 p95 p99 max" of that row of the report's stats table (as gatling.sh reads it)
  awk -v want="$1" '
    /class="ellipsed-name">/ { n = $0; sub(/.*class="ellipsed-name">/, "", n); sub(/<\/span>.*/, "", n); name = n; delete v }
    /<td class="value .*col-[0-9]+">/ { c = $0; sub(/.*col-/, "", c); x = c; sub(/^[0-9]+">/, "", x)
                                        sub(/<.*/, "", x); sub(/".*/, "", c); v[c] = x }
    /<\/tr>/ && name != "" { if (name == want && !found) { print v[2], v[4], v[8], v[10], v[11], v[12]; found = 1 }
                             name = "" }' "$RUN/index.html"
}
read -r hc hko hp50 hp95 hp99 hmax <<< "$(row 'GET home-region')"
read -r oc oko op50 op95 op99 omax <<< "$(row 'GET other-region')"
ratio=$(awk -v a="$oc" -v b="$hc" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')
echo "Cross-region relay, $USERS users closed model, ${DURATION}s per path in $ROUNDS alternating rounds, after ${WARMUP}s warm-up:"
printf '  home-region  (region a, agent link)  %8s req  %s failed  %8.1f req/s  p50 %s  p95 %s  p99 %s  max %s ms\n' \
  "$hc" "$hko" "$(awk -v c="$hc" -v d="$DURATION" 'BEGIN {print c / d}')" "$hp50" "$hp95" "$hp99" "$hmax"
printf '  other-region (region b -> region a)   %8s req  %s failed  %8.1f req/s  p50 %s  p95 %s  p99 %s  max %s ms\n' \
  "$oc" "$oko" "$(awk -v c="$oc" -v d="$DURATION" 'BEGIN {print c / d}')" "$op50" "$op95" "$op99" "$omax"
echo "  other-region req/s = ${ratio}% of home-region"
log "report: $RUN/index.html"

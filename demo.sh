#!/usr/bin/env bash
# Runs the Burrow demo on embedded defaults: an edge node, a sample local web service and an agent that
# exposes it. Prints the public URL; Ctrl-C stops everything.
#   HTTP_PORT (8080), TUNNEL_PORT (4443), UPSTREAM_PORT (3000), SUBDOMAIN (demo), DATA_DIR (./burrow-data)
set -euo pipefail
cd "$(dirname "$0")"

HTTP_PORT=${HTTP_PORT:-8080}
TUNNEL_PORT=${TUNNEL_PORT:-4443}
UPSTREAM_PORT=${UPSTREAM_PORT:-3000}
SUBDOMAIN=${SUBDOMAIN:-demo}
DATA_DIR=${DATA_DIR:-./burrow-data}
EDGE_JAR=edge-node/target/burrow-edge.jar
AGENT_JAR=agent/target/burrow.jar

if [ ! -f "$EDGE_JAR" ] || [ ! -f "$AGENT_JAR" ] || [ "${REBUILD:-0}" = 1 ]; then
  echo "Building Burrow (mvn package, tests skipped)…"
  mvn -B -q -DskipTests package
fi

logs=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT INT TERM

wait_for_line() { # file pattern seconds pid
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if ! kill -0 "$4" 2>/dev/null; then echo "ERROR: process exited early:"; cat "$1"; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "ERROR: timed out waiting for '$2':"; cat "$1"; exit 1; fi
    sleep 0.2
  done
}

java -jar "$EDGE_JAR" --http-port "$HTTP_PORT" --tunnel-port "$TUNNEL_PORT" --data-dir "$DATA_DIR" >"$logs/edge.log" 2>&1 &
pids+=($!)
wait_for_line "$logs/edge.log" "Edge node ready" 60 "${pids[-1]}"
authtoken=$(sed -n 's/^Authtoken: //p' "$logs/edge.log" | head -n1)
edge_ca=$(sed -n 's/^Dev CA certificate: //p' "$logs/edge.log" | head -n1)
echo "Edge node running: public HTTP on :$HTTP_PORT, agent links on :$TUNNEL_PORT (log: $logs/edge.log)"

java -cp "$AGENT_JAR" dev.burrow.agent.demo.SampleUpstream "$UPSTREAM_PORT" >"$logs/upstream.log" 2>&1 &
pids+=($!)
wait_for_line "$logs/upstream.log" "listening" 30 "${pids[-1]}"
echo "Sample service running on http://127.0.0.1:$UPSTREAM_PORT"

java -jar "$AGENT_JAR" http "$UPSTREAM_PORT" --server "127.0.0.1:$TUNNEL_PORT" --authtoken "$authtoken" \
  --edge-ca "$edge_ca" --subdomain "$SUBDOMAIN" >"$logs/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")
wait_for_line "$logs/agent.log" "^Forwarding" 30 "${pids[-1]}"
url=$(sed -n 's/^Forwarding \([^ ]*\) .*/\1/p' "$logs/agent.log" | head -n1)
echo
echo "Public URL: $url"
echo "Try:  curl $url/   (or open it in a browser; *.localhost resolves to this machine)"
echo "Press Ctrl-C to stop. Agent output follows:"
echo
tail -n +1 -f --pid="$agent_pid" "$logs/agent.log"

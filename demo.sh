#!/usr/bin/env bash
# Runs the Burrow demo on embedded defaults: an edge node on loopback, a sample local web service and an agent
# that exposes it through the edge. Prints the public URL; Ctrl-C stops everything.
# Settings (environment): HTTP_PORT (8080), HTTPS_PORT (8443), TUNNEL_PORT (4443), UPSTREAM_PORT (3000), SUBDOMAIN (demo),
# DATA_DIR (./burrow-data), REBUILD=1 to force a build.
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,5{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "demo.sh: it takes no options ('$1'); settings come from the environment, see --help" >&2; exit 2 ;;
esac

HTTP_PORT=${HTTP_PORT:-8080}
HTTPS_PORT=${HTTPS_PORT:-8443}
TUNNEL_PORT=${TUNNEL_PORT:-4443}
UPSTREAM_PORT=${UPSTREAM_PORT:-3000}
SUBDOMAIN=${SUBDOMAIN:-demo}
DATA_DIR=${DATA_DIR:-./burrow-data}
EDGE_JAR=edge-node/target/burrow-edge.jar
AGENT_JAR=agent/target/burrow.jar

command -v java >/dev/null || { echo "ERROR: java (17 or newer) is not on the PATH"; exit 1; }
stale() { [ ! -f "$1" ] || [ -n "$(find shared edge-node agent pom.xml -newer "$1" -name '*.java' -o -newer "$1" -name 'pom.xml' 2>/dev/null | head -n1)" ]; }
if [ "${REBUILD:-0}" = 1 ] || stale "$EDGE_JAR" || stale "$AGENT_JAR"; then
  command -v mvn >/dev/null || { echo "ERROR: mvn (Maven) is needed to build Burrow"; exit 1; }
  echo "Building Burrow (mvn package, tests skipped; the first build downloads dependencies and takes a few minutes)…"
  mvn -B -q -DskipTests package
fi

logs=$(mktemp -d)
pids=""
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for_line() { # file pattern seconds pid hint
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if ! kill -0 "$4" 2>/dev/null; then
      echo "ERROR: a demo process exited early; its output:"; sed 's/^/    /' "$1"
      [ -n "${5:-}" ] && echo "$5"
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then echo "ERROR: timed out waiting for '$2'; output so far:"; sed 's/^/    /' "$1"; exit 1; fi
    sleep 0.2
  done
}

java -jar "$EDGE_JAR" --bind-address 127.0.0.1 --http-port "$HTTP_PORT" --https-port "$HTTPS_PORT" --tunnel-port "$TUNNEL_PORT" \
  --data-dir "$DATA_DIR" >"$logs/edge.log" 2>&1 &
edge_pid=$!
pids="$pids $edge_pid"
wait_for_line "$logs/edge.log" "Edge node ready" 90 "$edge_pid" \
  "Hint: if a port is taken, pick others, e.g. HTTP_PORT=18080 HTTPS_PORT=18443 TUNNEL_PORT=14443 ./demo.sh"
authtoken=$(sed -n 's/^Authtoken: //p' "$logs/edge.log" | head -n1)
edge_ca=$(sed -n 's/^Dev CA certificate: //p' "$logs/edge.log" | head -n1)
echo "Edge node running on 127.0.0.1: public HTTP on :$HTTP_PORT, HTTPS on :$HTTPS_PORT, agent links on :$TUNNEL_PORT"

java -cp "$AGENT_JAR" dev.burrow.agent.demo.SampleUpstream "$UPSTREAM_PORT" >"$logs/upstream.log" 2>&1 &
upstream_pid=$!
pids="$pids $upstream_pid"
wait_for_line "$logs/upstream.log" "listening" 60 "$upstream_pid" "Hint: if port $UPSTREAM_PORT is taken, set UPSTREAM_PORT=…"
echo "Sample service running on http://127.0.0.1:$UPSTREAM_PORT"

# The token goes through the environment, not the command line, so that it does not show in `ps`.
BURROW_AUTHTOKEN="$authtoken" java -jar "$AGENT_JAR" http "127.0.0.1:$UPSTREAM_PORT" --server "127.0.0.1:$TUNNEL_PORT" \
  --edge-ca "$edge_ca" --subdomain "$SUBDOMAIN" >"$logs/agent.log" 2>&1 &
agent_pid=$!
pids="$pids $agent_pid"
wait_for_line "$logs/agent.log" "^Forwarding" 60 "$agent_pid"
url=$(sed -n 's/^Forwarding \([^ ]*\) .*/\1/p' "$logs/agent.log" | head -n1)
host=${url#http://}
echo
echo "Public URL: $url"
echo "Try:  curl $url/"
echo "  (browsers and curl >= 7.85 resolve *.localhost to this machine; with an older curl:"
echo "   curl -H 'Host: $host' http://127.0.0.1:$HTTP_PORT/ )"
echo "Over HTTPS (the edge's dev CA signed its certificate):"
echo "   curl --cacert $edge_ca https://${host%%:*}:$HTTPS_PORT/"
echo "Press Ctrl-C to stop. Agent output follows:"
echo
tail -n +1 -f "$logs/agent.log" &
pids="$pids $!"
wait "$agent_pid"

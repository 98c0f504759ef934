#!/usr/bin/env bash
# The AppCDS training run of packaging/build.sh; runs inside a private mount namespace (unshare --mount) so that
# the app images appear at their installed paths, /opt/burrow and /opt/burrow-edge (a CDS archive is only valid
# for the class path it was made with). Starts the edge, links an agent to it, sends one request through the
# tunnel, stops both; each JVM writes its archive at exit into lib/app/NAME.jsa of its image.
#
# Usage (from build.sh): unshare --mount --propagation private bash train-cds.sh IMAGES_DIR
set -euo pipefail
IMAGES=$1
LOG_NAME=train-cds
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
on_die() { local f; for f in "${TMP:-/nonexistent}"/*.log; do [ -s "$f" ] && tail -n 5 "$f" >&2; done; }

# /opt of this namespace only: an empty tmpfs with the two images bound in.
mount -t tmpfs -o mode=0755 burrow-train /opt
for name in burrow burrow-edge; do
  mkdir "/opt/$name"
  mount --bind "$IMAGES/$name" "/opt/$name"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/burrow-train.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# Bounds for a loaded 2-core machine: there the edge took 60 s to start and more than 60 s to write its archive.
stop() {  # pid: SIGTERM, wait up to 300 s for the exit (the archive is written then)
  local i
  kill -TERM "$1" 2>/dev/null || return 0
  for ((i = 0; i < 3000; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  die "pid $1 did not exit within 300 s of SIGTERM"
}

mkdir -p "$TMP/www"
echo "burrow training page" > "$TMP/www/index.html"
UPSTREAM_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$TMP/www" "$UPSTREAM_PORT" > "$TMP/upstream.log" 2>&1 &
PIDS+=($!)

JAVA_TOOL_OPTIONS="-XX:ArchiveClassesAtExit=/opt/burrow-edge/lib/app/burrow-edge.jsa" \
  /opt/burrow-edge/bin/burrow-edge --bind-address 127.0.0.1 --http-port 0 --https-port 0 --tunnel-port 0 --ops-port 0 --relay-port 0 \
  --cluster-port "$(free_port)" --cluster-name "burrow-train-$$" --data-dir "$TMP/edge-data" --drain-timeout 1s \
  > "$TMP/edge.log" 2>&1 &
EDGE_PID=$!
PIDS+=("$EDGE_PID")
wait_line "$TMP/edge.log" "Edge node ready" "$EDGE_PID" 300
TOKEN=$(sed -n 's/^Authtoken: //p' "$TMP/edge.log" | head -n1)
TUNNEL=$(sed -n 's/^Agent link (TLS) listening on //p' "$TMP/edge.log" | head -n1)
HTTP_PORT=$(sed -n 's/^Public HTTP listening on .*://p' "$TMP/edge.log" | head -n1)

BURROW_AUTHTOKEN=$TOKEN JAVA_TOOL_OPTIONS="-XX:ArchiveClassesAtExit=/opt/burrow/lib/app/burrow.jsa" \
  /opt/burrow/bin/burrow http "$UPSTREAM_PORT" --server "$TUNNEL" --edge-ca "$TMP/edge-data/ca.pem" \
  --subdomain train --web-addr false > "$TMP/agent.log" 2>&1 &
AGENT_PID=$!
PIDS+=("$AGENT_PID")
wait_line "$TMP/agent.log" "^Forwarding" "$AGENT_PID" 180
body=$(curl -s --max-time 10 -H "Host: train.localhost" "http://127.0.0.1:$HTTP_PORT/")
[ "$body" = "burrow training page" ] || die "the request through the tunnel got '${body:0:200}'"
log "edge up, agent forwarding, one request through the tunnel answered; stopping both to write the archives"
stop "$AGENT_PID"
stop "$EDGE_PID"
for name in burrow burrow-edge; do
  [ -s "/opt/$name/lib/app/$name.jsa" ] || die "no archive /opt/$name/lib/app/$name.jsa was written"
done

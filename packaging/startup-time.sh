#!/usr/bin/env bash
# Start-up time of `burrow http PORT`: from the command's start to its `Forwarding` line, against a running edge,
# for several ways of starting the agent; every run is printed, then the median of each way. The tarballs of
# packaging/target/ are unpacked at /opt/burrow and /opt/burrow-edge inside a private mount namespace (where their
# AppCDS archives are valid), so nothing is installed and nothing is left behind.
#
# Ways measured: the jar with the system's java (`java -jar agent/target/burrow.jar`), the packaged launcher with
# its AppCDS archive, the launcher with the JDK's default CDS only, the launcher without CDS, and the launcher
# with its archive plus C1 only and the serial GC (JAVA_TOOL_OPTIONS).
#
# Usage: packaging/startup-time.sh [RUNS]   (default 10 per way; needs root or unprivileged user namespaces)
set -euo pipefail
PACKAGING_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$PACKAGING_DIR/.." && pwd)
RUNS=${1:-10}
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -gt 0 ] && [ "$RUNS" -le 100 ] || { echo "RUNS must be 1..100" >&2; exit 2; }

if [ "${BURROW_STARTUP_IN_NS:-0}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then args=(--mount --propagation private); else args=(--map-root-user --mount --propagation private); fi
  BURROW_STARTUP_IN_NS=1 exec unshare "${args[@]}" bash "$0" "$RUNS"
fi

LOG_NAME=startup-time
# shellcheck source=lib.sh
source "$PACKAGING_DIR/lib.sh"
AGENT_TAR=$(ls "$PACKAGING_DIR"/target/burrow-[0-9]*-linux-*.tar.gz 2>/dev/null | head -n1)
EDGE_TAR=$(ls "$PACKAGING_DIR"/target/burrow-edge-[0-9]*-linux-*.tar.gz 2>/dev/null | head -n1)
AGENT_JAR="$REPO_ROOT/agent/target/burrow.jar"
[ -n "$AGENT_TAR" ] && [ -n "$EDGE_TAR" ] && [ -f "$AGENT_JAR" ] || die "run mvn -B -DskipTests package and packaging/build.sh first"

mount -t tmpfs -o mode=0755 burrow-startup /opt
tar -C / -xzf "$AGENT_TAR" opt/burrow
tar -C / -xzf "$EDGE_TAR" opt/burrow-edge
TMP=$(mktemp -d "${TMPDIR:-/tmp}/burrow-startup.XXXXXX")
PIDS=()
on_die() { tail -n 5 "$TMP"/*.log >&2 2>/dev/null || true; }
cleanup() { local pid; for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

/opt/burrow-edge/bin/burrow-edge --bind-address 127.0.0.1 --http-port 0 --https-port 0 --tunnel-port 0 --ops-port 0 --relay-port 0 \
  --cluster-port "$(free_port)" --cluster-name "burrow-startup-$$" --data-dir "$TMP/edge" > "$TMP/edge.log" 2>&1 &
PIDS+=($!)
wait_line "$TMP/edge.log" "Edge node ready" "$!" 300
TOKEN=$(sed -n 's/^Authtoken: //p' "$TMP/edge.log" | head -n1)
TUNNEL=$(sed -n 's/^Agent link (TLS) listening on //p' "$TMP/edge.log" | head -n1)
# The same image without the archive lines in its launcher config: the runtime's default CDS archive only.
cp -a /opt/burrow /opt/burrow-default-cds
sed -i '/SharedArchiveFile\|-Xlog:cds/d' /opt/burrow-default-cds/lib/app/burrow.cfg

once() {  # java-tool-options command...: ms from start to the Forwarding line (at most 60 s)
  local tool_options=$1 start pid deadline
  shift
  local env_args=(-u JAVA_TOOL_OPTIONS)
  [ -n "$tool_options" ] && env_args=("JAVA_TOOL_OPTIONS=$tool_options")
  rm -f "$TMP/agent.log"  # the previous run's Forwarding line must not count
  start=$(date +%s%N)
  deadline=$((start + 60000000000))
  env "${env_args[@]}" BURROW_AUTHTOKEN="$TOKEN" "$@" http 3000 --server "$TUNNEL" --edge-ca "$TMP/edge/ca.pem" \
    --web-addr false > "$TMP/agent.log" 2>&1 &
  pid=$!
  until grep -qs '^Forwarding' "$TMP/agent.log"; do
    [ "$(date +%s%N)" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null || die "no Forwarding line: $(tail -n 3 "$TMP/agent.log")"
    sleep 0.005
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

measure() {  # label java-tool-options command...
  local label=$1 times=() t
  shift
  once "$@" >/dev/null  # warm the page cache
  for ((r = 0; r < RUNS; r++)); do times+=("$(once "$@")"); done
  t=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}')
  printf '%-46s median %5s ms   runs: %s\n' "$label" "$t" "${times[*]}"
}

echo "burrow http 3000 -> Forwarding line, $RUNS runs per way, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "java -jar burrow.jar (system JDK, default CDS)" "" java -jar "$AGENT_JAR"
measure "launcher + AppCDS archive" "" /opt/burrow/bin/burrow
measure "launcher, JDK default CDS only" "" /opt/burrow-default-cds/bin/burrow
measure "launcher, no CDS (-Xshare:off)" "-Xshare:off" /opt/burrow/bin/burrow
measure "launcher + AppCDS + SerialGC" "-XX:+UseSerialGC" /opt/burrow/bin/burrow
measure "launcher + AppCDS + C1 only" "-XX:TieredStopAtLevel=1" /opt/burrow/bin/burrow
measure "launcher + AppCDS + C1 only + SerialGC" "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" /opt/burrow/bin/burrow
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

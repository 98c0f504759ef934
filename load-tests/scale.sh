#!/usr/bin/env bash
# Burrow scale test: N idle agent sessions, one HTTP endpoint each, against ONE edge node (its own JVM, -Xmx2g).
# Reports, at each step of N: time to register, edge heap after a full GC and RSS (total and per session), open
# fds, the latency of public requests that the registry must look up (routed to random bound hostnames, and
# 404s for unbound ones), and the load generator's own heap. Then a reconnect storm: the edge is killed and started
# again, and every session must come back by itself. Tool: dev.burrow.testsupport.scale.SessionScaleTool. Method
# and figures: docs/scale.md.
#
# Usage: load-tests/scale.sh [--quick] [--rebuild] [--out FILE] [--help]
#   --quick     CI form: steps 1000,2000 (2 000 sessions), 1 000 timed requests per kind per step, then the storm
#   --rebuild   rebuild the jars and classes (mvn package) even if they exist
#   --out FILE  markdown table (default load-tests/results/scale-<date>.md)
# Environment: STEPS [1000,2000,5000,10000,20000,50000,100000]  REQUESTS [2000]  CONCURRENCY [64]
#              EDGE_HEAP_MB [2048]  TOOL_JAVA_OPTS [-Xmx10g] (the agent side: every session lives in the tool's JVM)
#              STORM [300] seconds the storm may take (0: no storm)   STEP_TIMEOUT [600] seconds to register one step
#              TIMEOUT [3600] seconds for the whole run
#              DOMAIN [localhost] the edge's domain: one label (localhost) makes the dev CA issue every bound name its own
#                     certificate; two labels or more (scale.localhost) are served by the dev wildcard, as a real domain is
#              HISTOGRAMS [unset] a directory for the edge's class histogram at each step (jcmd GC.class_histogram)
#
# The edge binds to 127.0.0.1; sessions dial from 127.0.0.2, 127.0.0.3, ... (20 000 each: one source address has
# only the ephemeral port range towards one edge address). The edge is stopped on exit, failure or Ctrl-C (the
# harness's shutdown hook, and `timeout` around the tool).
set -euo pipefail

LOG_NAME=scale.sh
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_flags "quick rebuild out" "$@"

if [ "$QUICK" = 1 ]; then
  # 480 s: the quick form took 1 min 45 s to 2 min before the storm was added; with it, a run at load 16-20 needed
  # more than 300 s, so 300 left CI no margin. CI's own bound on the step is 600 s.
  STEPS=${STEPS:-1000,2000}; REQUESTS=${REQUESTS:-1000}; TIMEOUT=${TIMEOUT:-480}; STORM=${STORM:-120}
  TOOL_JAVA_OPTS=${TOOL_JAVA_OPTS:--Xmx2g}
else
  STEPS=${STEPS:-1000,2000,5000,10000,20000,50000,100000}; REQUESTS=${REQUESTS:-2000}; TIMEOUT=${TIMEOUT:-3600}
  STORM=${STORM:-300}
fi
CONCURRENCY=${CONCURRENCY:-64}
DOMAIN=${DOMAIN:-localhost}
HISTOGRAM_ARGS=()
if [ -n "${HISTOGRAMS:-}" ]; then HISTOGRAM_ARGS=(--histograms "$HISTOGRAMS"); fi
EDGE_HEAP_MB=${EDGE_HEAP_MB:-2048}
STEP_TIMEOUT=${STEP_TIMEOUT:-600}
TOOL_JAVA_OPTS=${TOOL_JAVA_OPTS:--Xmx10g}
OUT=${OUT_ARG:-$REPO_ROOT/load-tests/results/scale-$(date +%Y%m%d-%H%M%S).md}

# Each session is one TLS connection: one fd in the tool and one in the edge (the edge inherits this limit).
# `ulimit -n` sets the soft and the hard limit: anyone may raise the soft one up to the hard one, and only a process
# with CAP_SYS_RESOURCE the hard one (up to /proc/sys/fs/nr_open). On the project's VM the hard limit is 20 000, even
# for root (a container without that capability): about 15 000 sessions at most.
MAX_SESSIONS=${STEPS##*,}
NEED_FDS=$((MAX_SESSIONS + 4096))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED_FDS" ]; then
  ulimit -n "$NEED_FDS" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED_FDS" ]; then
  log "ERROR: $MAX_SESSIONS sessions need about $NEED_FDS open files; ulimit -n is $(ulimit -n) (hard $(ulimit -Hn))." \
    "Raise the hard limit where the shell starts (docker run --ulimit nofile=..., systemd LimitNOFILE=, or root with" \
    "CAP_SYS_RESOURCE), or run fewer sessions: STEPS=1000,2000,5000,10000,15000"
  exit 1
fi

cd "$REPO_ROOT"
if [ "$REBUILD" = 1 ] || [ ! -d test-support/target/classes/dev/burrow/testsupport/scale ] \
   || [ ! -f edge-node/target/burrow-edge.jar ]; then
  log "building (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
# The classpath is resolved inside the reactor (-am with the package phase, tests skipped: the agent's tests use the
# SDK's test jar, which the resolution asks for too), so our own modules come from the reactor and the local Maven
# repository never needs them (a machine that never ran `mvn install`).
# A relative outputFile is resolved per module: test-support writes its own.
CP_FILE=$REPO_ROOT/test-support/target/scale-classpath.txt
if [ ! -s "$CP_FILE" ] || [ "$REBUILD" = 1 ] || [ test-support/pom.xml -nt "$CP_FILE" ]; then
  mvn -B -q -pl test-support -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/scale-classpath.txt -Dmdep.includeScope=runtime
fi
# Run from a private copy of our own classes and jars: a build in the same tree (mvn verify, install) during the
# run must not pull classes from under the tool. The copy is removed on exit.
SNAPSHOT=$(mktemp -d -t burrow-scale-cp.XXXXXX)
TOOL_LOG="$SNAPSHOT/tool.log"
# The tool's shutdown hook stops the edge it started. If the tool itself is killed (timeout's SIGKILL), the edge
# would outlive it: stop it here by the pid the tool printed, after checking that the pid is still that edge.
# (This replaces the common cleanup: the tool, not this script, owns the processes.)
cleanup() {
  local pid
  pid=$(sed -n 's/.*edge pid \([0-9][0-9]*\),.*/\1/p' "$TOOL_LOG" 2>/dev/null | head -1)
  if [ -n "$pid" ] && grep -qa 'dev.burrow.edge.EdgeMain' "/proc/$pid/cmdline" 2>/dev/null; then
    log "stopping the edge left behind (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$SNAPSHOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp -r "$REPO_ROOT/test-support/target/classes" "$SNAPSHOT/test-support-classes"
CP="$SNAPSHOT/test-support-classes"
IFS=: read -r -a DEPS < "$CP_FILE" || true  # the file has no final newline
for dep in "${DEPS[@]}"; do
  case "$dep" in
    "$REPO_ROOT"/*/target/classes)
      module=$(basename "$(dirname "$(dirname "$dep")")")
      cp -r "$dep" "$SNAPSHOT/$module-classes"; CP="$CP:$SNAPSHOT/$module-classes" ;;
    */dev/burrow/*) cp "$dep" "$SNAPSHOT/"; CP="$CP:$SNAPSHOT/$(basename "$dep")" ;;
    *) CP="$CP:$dep" ;;
  esac
done

mkdir -p "$(dirname "$OUT")"
log "steps $STEPS, domain $DOMAIN, $REQUESTS timed requests per kind per step, edge -Xmx${EDGE_HEAP_MB}m, storm ${STORM}s," \
  "ulimit -n $(ulimit -n), load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The agents' own warnings (a storm makes each session say its edge handed it a new session id) stay out of the log.
# shellcheck disable=SC2086  # TOOL_JAVA_OPTS is a list of JVM options
timeout --kill-after=30 "$TIMEOUT" java $TOOL_JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.dev.burrow.agent=error \
  -Dburrow.e2e.logDir="$REPO_ROOT/test-support/target/e2e-logs" \
  -cp "$CP" dev.burrow.testsupport.scale.SessionScaleTool \
  --steps "$STEPS" --requests "$REQUESTS" --concurrency "$CONCURRENCY" --edge-heap-mb "$EDGE_HEAP_MB" \
  --step-timeout "$STEP_TIMEOUT" --storm "$STORM" --domain "$DOMAIN" ${HISTOGRAM_ARGS[@]+"${HISTOGRAM_ARGS[@]}"} \
  --out "$OUT" 2> >(tee "$TOOL_LOG" >&2)
log "table written to $OUT"

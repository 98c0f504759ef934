#!/usr/bin/env bash
# Installs the packages packaging/build.sh made, uses them the way a user would, and removes them again:
#   1. dpkg -i burrow and burrow-edge: burrow and burrow-edge on the PATH, the service user and data directory,
#      the unit (systemd-analyze verify where installed), the AppCDS archives valid at the installed paths
#      (-Xshare:on starts, it would refuse a mismatched archive);
#   2. the demo flow through the installed commands: burrow-edge as the service user with /etc/burrow/edge.yml
#      (ports from the OS), `burrow http PORT` to a python upstream, curl through the public URL gets its page;
#   3. `burrow service install` writes a unit whose ExecStart is the installed command, not a jar;
#   4. the tarball's launcher runs from anywhere (without the archive, and without a word about it);
#   5. dpkg -r removes the programs and keeps config, data and user; dpkg -P removes those too: nothing left.
#
# Needs root (dpkg), python3, curl, setpriv; refuses to run where burrow, burrow-edge or a user `burrow` exist.
# Usage: packaging/test-packages.sh [--keep]   (--keep: leave the work directory on failure)
set -euo pipefail
PACKAGING_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET="$PACKAGING_DIR/target"
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1

LOG_NAME=test-packages
# shellcheck source=lib.sh
source "$PACKAGING_DIR/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (dpkg -i)"
AGENT_DEB=$(ls "$TARGET"/burrow_*.deb 2>/dev/null | head -n1)
EDGE_DEB=$(ls "$TARGET"/burrow-edge_*.deb 2>/dev/null | head -n1)
AGENT_TAR=$(ls "$TARGET"/burrow-[0-9]*-linux-*.tar.gz 2>/dev/null | head -n1)
[ -n "$AGENT_DEB" ] && [ -n "$EDGE_DEB" ] && [ -n "$AGENT_TAR" ] || die "no packages in $TARGET: run packaging/build.sh first"
for pkg in burrow burrow-edge; do
  ! dpkg -s "$pkg" >/dev/null 2>&1 || die "$pkg is installed already; not touching this machine's package"
done
! getent passwd burrow >/dev/null || die "a user 'burrow' exists already; the purge check needs a machine without it"
# Everything the packages may create; none of it may exist before, nor after the purge.
PATHS=(/opt/burrow /opt/burrow-edge /usr/bin/burrow /usr/bin/burrow-edge /etc/burrow /var/lib/burrow
  /lib/systemd/system/burrow-edge.service /usr/lib/systemd/system/burrow-edge.service)
for p in "${PATHS[@]}"; do [ ! -e "$p" ] || die "$p exists before the install; not touching it"; done

WORK=$(mktemp -d /tmp/burrow-test-packages.XXXXXX)
chmod 755 "$WORK"
PIDS=()
INSTALLED=0
FAILED=1
cleanup() {
  local rc=$? pid
  set +e
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ "$INSTALLED" = 1 ] && dpkg -P burrow burrow-edge >/dev/null 2>&1
  if [ "$FAILED" = 1 ]; then
    for f in "$WORK"/*.log; do [ -s "$f" ] && { log "last lines of $f:"; tail -n 10 "$f" | sed 's/^/    /' >&2; }; done
  fi
  if [ "$FAILED" = 1 ] && [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------
# 1. Install
INSTALLED=1
timeout 300 dpkg -i "$AGENT_DEB" "$EDGE_DEB" > "$WORK/dpkg-install.log" 2>&1 || die "dpkg -i failed: $(tail -n 5 "$WORK/dpkg-install.log")"
[ "$(command -v burrow)" = /usr/bin/burrow ] || die "burrow is not /usr/bin/burrow on the PATH ($(command -v burrow || echo none))"
[ "$(command -v burrow-edge)" = /usr/bin/burrow-edge ] || die "burrow-edge is not on the PATH"
version=$(burrow --version)
[[ $version == 'burrow version '* ]] || die "burrow --version printed '$version'"
edge_version=$(burrow-edge --version)
[ -n "$edge_version" ] || die "burrow-edge --version printed nothing"
[ "$(stat -c '%U:%G %a' /var/lib/burrow)" = "burrow:burrow 750" ] || die "/var/lib/burrow is $(stat -c '%U:%G %a' /var/lib/burrow)"
[ "$(getent passwd burrow | cut -d: -f6,7)" = "/var/lib/burrow:/usr/sbin/nologin" ] || die "user burrow: $(getent passwd burrow)"
[ "$(stat -c '%U:%G %a' /etc/burrow/edge.yml)" = "root:burrow 640" ] || die "/etc/burrow/edge.yml is $(stat -c '%U:%G %a' /etc/burrow/edge.yml)"
unit=$(dpkg -L burrow-edge | grep '/systemd/system/burrow-edge.service$')
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze verify "$unit" 2>&1) || die "systemd-analyze verify $unit: $out"
  if echo "$out" | grep -F burrow-edge.service | grep -v "Failed to put bus name"; then die "systemd-analyze warned about $unit"; fi
  checked="unit verified by systemd-analyze"
else
  checked="systemd-analyze not installed: unit not verified"
fi
cds="no AppCDS archives in the packages (built with --no-cds or without a mount namespace)"
if [ -s /opt/burrow/lib/app/burrow.jsa ] && [ -s /opt/burrow-edge/lib/app/burrow-edge.jsa ]; then
  # -Xshare:on makes the JVM refuse to start rather than run without a usable archive.
  JAVA_TOOL_OPTIONS=-Xshare:on burrow --version > "$WORK/cds-agent.log" 2>&1 || die "the agent's AppCDS archive is not usable where installed"
  JAVA_TOOL_OPTIONS=-Xshare:on burrow-edge --version > "$WORK/cds-edge.log" 2>&1 || die "the edge's AppCDS archive is not usable where installed"
  cds="both AppCDS archives usable at the installed paths (-Xshare:on)"
fi
log "PASS install: burrow and burrow-edge on the PATH ($version), user and data dir, $checked, $cds"

# ---------------------------------------------------------------------------------------------------------------
# 2. Demo flow through the installed commands
( cd /var/lib/burrow && exec setpriv --reuid=burrow --regid=burrow --init-groups burrow-edge --config /etc/burrow/edge.yml \
    --http-port 0 --https-port 0 --tunnel-port 0 --ops-port 0 --relay-port 0 --cluster-port "$(free_port)" \
    --cluster-name "burrow-pkg-test-$$" --drain-timeout 1s ) > "$WORK/edge.log" 2>&1 &
EDGE_PID=$!
PIDS+=("$EDGE_PID")
wait_line "$WORK/edge.log" "Edge node ready" "$EDGE_PID" 300
TOKEN=$(sed -n 's/^Authtoken: //p' "$WORK/edge.log" | head -n1)
TUNNEL=$(sed -n 's/^Agent link (TLS) listening on //p' "$WORK/edge.log" | head -n1)
HTTP_PORT=$(sed -n 's/^Public HTTP listening on .*://p' "$WORK/edge.log" | head -n1)
[ "$(stat -c %U /var/lib/burrow/ca.pem)" = burrow ] || die "the edge running as burrow did not write its CA into /var/lib/burrow"

BODY="burrow package test $(date +%s%N)"
mkdir -p "$WORK/www"
printf '%s' "$BODY" > "$WORK/www/index.html"
UPSTREAM_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$UPSTREAM_PORT" > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)
start_ns=$(date +%s%N)
BURROW_AUTHTOKEN=$TOKEN burrow http "$UPSTREAM_PORT" --server "$TUNNEL" --edge-ca /var/lib/burrow/ca.pem \
  --web-addr false > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
PIDS+=("$AGENT_PID")
wait_line "$WORK/agent.log" "^Forwarding" "$AGENT_PID" 180
forwarding_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
url=$(sed -n 's/^Forwarding \([^ ]*\) .*/\1/p' "$WORK/agent.log" | head -n1)
host=${url#http://}
host=${host%%:*}
got=$(curl -s --max-time 10 -H "Host: $host" "http://127.0.0.1:$HTTP_PORT/")
[ "$got" = "$BODY" ] || die "through $url the request got '${got:0:200}', not the upstream's page"
log "PASS demo: edge as user burrow, burrow http $UPSTREAM_PORT printed Forwarding $url after ${forwarding_ms} ms, curl got the upstream's page"

# ---------------------------------------------------------------------------------------------------------------
# 3. burrow service install points at the installed command
printf 'agent:\n  authtoken: t\nendpoints:\n  - name: web\n    upstream: 3000\n' > "$WORK/burrow.yml"
burrow service install --config "$WORK/burrow.yml" --unit-dir "$WORK/units" --dry-run > "$WORK/service.log" 2>&1 \
  || die "burrow service install failed: $(cat "$WORK/service.log")"
exec_line=$(grep '^ExecStart=' "$WORK/units/burrow.service")
[[ $exec_line == "ExecStart=/opt/burrow/bin/burrow start --all "* ]] || die "the unit runs '$exec_line', not the installed command"
log "PASS service install: $exec_line"

# ---------------------------------------------------------------------------------------------------------------
# 4. The tarball runs where it is unpacked
mkdir -p "$WORK/tarball"
tar -C "$WORK/tarball" -xzf "$AGENT_TAR"
tar_version=$("$WORK/tarball/opt/burrow/bin/burrow" --version 2>&1)
[ "$tar_version" = "$version" ] || die "the tarball's burrow --version printed '$tar_version'"
log "PASS tarball: unpacked under $WORK, bin/burrow --version prints exactly '$tar_version'"

# ---------------------------------------------------------------------------------------------------------------
# 5. Remove, then purge
for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
PIDS=()
timeout 120 dpkg -r burrow burrow-edge > "$WORK/dpkg-remove.log" 2>&1 || die "dpkg -r failed: $(tail -n 5 "$WORK/dpkg-remove.log")"
for p in /opt/burrow /opt/burrow-edge /usr/bin/burrow /usr/bin/burrow-edge "$unit"; do [ ! -e "$p" ] || die "$p is left after dpkg -r"; done
[ -f /etc/burrow/edge.yml ] && [ -f /var/lib/burrow/ca.pem ] && getent passwd burrow >/dev/null \
  || die "dpkg -r should keep /etc/burrow/edge.yml, /var/lib/burrow and the user burrow"
timeout 120 dpkg -P burrow burrow-edge > "$WORK/dpkg-purge.log" 2>&1 || die "dpkg -P failed: $(tail -n 5 "$WORK/dpkg-purge.log")"
INSTALLED=0
for p in "${PATHS[@]}"; do [ ! -e "$p" ] || die "$p is left after dpkg -P"; done
! getent passwd burrow >/dev/null || die "the user burrow is left after dpkg -P"
! getent group burrow >/dev/null || die "the group burrow is left after dpkg -P"
for pkg in burrow burrow-edge; do
  ! dpkg -s "$pkg" >/dev/null 2>&1 || die "dpkg still knows $pkg after the purge: $(dpkg -s "$pkg" | grep Status)"
done
log "PASS remove keeps config, data and user; purge leaves no file, user or group"

FAILED=0
echo "test-packages: 5 passed, 0 failed (burrow http to Forwarding: ${forwarding_ms} ms)"

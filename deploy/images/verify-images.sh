#!/usr/bin/env bash
# Runs the two image tarballs without a container runtime and proves they serve: each image's layers are
# unpacked into a root directory, and its Entrypoint is started with chroot as the image's User, with the image's
# Env and WorkingDir, inside a private network namespace (only a loopback: nothing else on the machine is
# touched, no port can clash). Then: the edge's /readyz answers 200, the agent (from its own image) links to
# the edge with the edge's dev CA and token, and a request through the edge reaches an upstream (python3
# http.server) and returns its bytes. Also checks that both images run as a non-root user.
#
# Usage (as root: chroot and namespaces need it):
#   deploy/images/verify-images.sh [EDGE_IMAGE.tar] [AGENT_IMAGE.tar]
#   (defaults: edge-node/target/burrow-edge-image.tar, agent/target/burrow-agent-image.tar, built with -Pimages)
# Needs: jq, tar, unshare/chroot (util-linux, coreutils), curl, python3. Bounded: 90 s per wait.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
INSIDE=0; [ "${1:-}" = "--inside" ] && INSIDE=1
EDGE_TAR=${1:-$REPO_ROOT/edge-node/target/burrow-edge-image.tar}
AGENT_TAR=${2:-$REPO_ROOT/agent/target/burrow-agent-image.tar}
die() { echo "verify-images: ERROR: $*" >&2; exit 1; }
log() { echo "verify-images: $*" >&2; }
[ "$(id -u)" = 0 ] || die "run as root (chroot and network namespaces need it)"
for c in jq tar unshare chroot curl python3; do command -v "$c" >/dev/null || die "$c not found"; done
[ "$INSIDE" = 1 ] || for t in "$EDGE_TAR" "$AGENT_TAR"; do [ -f "$t" ] || die "$t not found: build it with mvn -Pimages -pl shared,policy,sdk,edge-node,agent package -DskipTests -Dburrow.image.base=..."; done

if [ "$INSIDE" = 0 ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/burrow-images.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  unpack() {  # image.tar dir: the image's layers into dir/rootfs, its config into dir/config.json
    local tarball=$1 dir=$2 layer cfg
    mkdir -p "$dir/x" "$dir/rootfs"
    tar -xf "$tarball" -C "$dir/x"
    cfg=$(jq -r '.[0].Config' "$dir/x/manifest.json")
    cp "$dir/x/$cfg" "$dir/config.json"
    for layer in $(jq -r '.[0].Layers[]' "$dir/x/manifest.json"); do
      case "$layer" in *.gz) tar --warning=no-unknown-keyword -xzf "$dir/x/$layer" -C "$dir/rootfs" ;; *) tar --warning=no-unknown-keyword -xf "$dir/x/$layer" -C "$dir/rootfs" ;; esac
    done
    mkdir -p "$dir/rootfs/proc"
    local user; user=$(jq -r '.config.User // ""' "$dir/config.json")
    case "$user" in ""|0|0:*|root|root:*) die "$tarball runs as root (config.User='$user')" ;; esac
    log "$(jq -r '.[0].RepoTags[0]' "$dir/x/manifest.json"): user $user, entrypoint $(jq -c '.config.Entrypoint' "$dir/config.json" | cut -c1-60)..."
  }
  unpack "$EDGE_TAR" "$WORK/edge"
  unpack "$AGENT_TAR" "$WORK/agent"
  # New network, mount and PID namespaces: a private loopback, and every process dies with the namespace.
  exec timeout 300 unshare --net --mount --pid --fork --kill-child "$0" --inside "$WORK"
fi

# ----- inside the namespaces -----
WORK=$2
ip link set lo up 2>/dev/null || true
ip link show lo 2>/dev/null | grep -q 'UP' || die "cannot bring up loopback in the namespace (install iproute2)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done' EXIT

run_image() {  # dir log [args...]: the image's Entrypoint with these args (or its Cmd), as its User, in its
  # WorkingDir with only its Env, as a container runtime would (python3 on the host: the image has no shell).
  local dir=$1 out=$2
  shift 2
  mount -t proc proc "$dir/rootfs/proc"
  python3 - "$dir/rootfs" "$dir/config.json" "$@" > "$out" 2>&1 <<'PY' &
import json, os, sys
root, cfg = sys.argv[1], json.load(open(sys.argv[2]))["config"]
args = sys.argv[3:] or cfg.get("Cmd") or []
user, _, group = cfg["User"].partition(":")
env = dict(e.split("=", 1) for e in cfg.get("Env", []))
os.chroot(root)
os.chdir(cfg.get("WorkingDir") or "/")
os.setgroups([])
os.setgid(int(group or user))
os.setuid(int(user))
os.execvpe(cfg["Entrypoint"][0], cfg["Entrypoint"] + args, env)
PY
  PIDS+=($!)
}
wait_for() {  # file regex
  local i
  for i in $(seq 1 900); do grep -Eq "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  tail -n 30 "$1" >&2; die "no /$2/ in $(basename "$1") within 90 s"
}

# An upstream on the namespace's loopback.
mkdir -p "$WORK/www" && printf 'hello from the upstream behind the burrow images\n' > "$WORK/www/index.html"
python3 -m http.server 18000 --bind 127.0.0.1 --directory "$WORK/www" > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)

log "starting the edge from its image (default ports 8080, 4443, 9090; data dir /var/lib/burrow)"
run_image "$WORK/edge" "$WORK/edge.log" --data-dir /var/lib/burrow --domain localhost --bind-address 127.0.0.1
wait_for "$WORK/edge.log" 'Edge node ready'
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:9090/readyz)
[ "$code" = 200 ] || die "edge /readyz answered $code, not 200"
token=$(sed -nE 's/.*Authtoken: *([^ ]+).*/\1/p' "$WORK/edge.log" | head -n 1)
[ -n "$token" ] || die "the edge printed no 'Authtoken:' line"
owner=$(stat -c %u "$WORK/edge/rootfs/var/lib/burrow/ca.pem")
[ "$owner" = 65532 ] || die "the edge wrote its data as uid $owner, not 65532"
log "edge ready: /readyz 200, data dir written by uid $owner"

cp "$WORK/edge/rootfs/var/lib/burrow/ca.pem" "$WORK/agent/rootfs/tmp/edge-ca.pem"
log "starting the agent from its image: http 127.0.0.1:18000 as demo.localhost"
run_image "$WORK/agent" "$WORK/agent.log" http 127.0.0.1:18000 --server 127.0.0.1:4443 \
  --edge-ca /tmp/edge-ca.pem --authtoken "$token" --subdomain demo --web-addr false
wait_for "$WORK/agent.log" 'Forwarding http://demo\.localhost'
body=""
for i in $(seq 1 100); do
  body=$(curl -s --max-time 5 -H 'Host: demo.localhost' http://127.0.0.1:8080/index.html || true)
  [ "$body" = "hello from the upstream behind the burrow images" ] && break
  sleep 0.1
done
[ "$body" = "hello from the upstream behind the burrow images" ] || { tail -n 20 "$WORK/agent.log" >&2; die "the request through the edge did not return the upstream's page (got '${body:0:80}')"; }
log "OK: both images run as uid 65532; a request to demo.localhost through the edge image reached the upstream via the agent image"

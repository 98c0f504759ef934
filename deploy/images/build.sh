#!/usr/bin/env bash
# Builds the edge, agent and Kubernetes controller container images as tarballs with Jib, no Docker daemon and no
# registry:
#   1. deploy/images/build-base.sh makes a local Java 17 base image tarball (jlink + its libraries), if absent;
#   2. mvn -Pimages -pl shared,policy,sdk,edge-node,agent,test-support,k8s-controller package builds
#      edge-node/target/burrow-edge-image.tar, agent/target/burrow-agent-image.tar and
#      k8s-controller/target/burrow-k8s-controller-image.tar on top of it (non-root uid 65532).
# With registry access, skip this script: `mvn -Pimages -pl shared,policy,sdk,edge-node,agent,k8s-controller package -DskipTests` uses
# eclipse-temurin:17-jre as the base. Load a tarball with `docker load -i` or `podman load -i`.
#
# Usage: deploy/images/build.sh [--rebuild-base]     Environment: MVN_ARGS (extra Maven arguments, e.g. -o)
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
BASE="$SCRIPT_DIR/target/burrow-base-java17.tar"
if [ "${1:-}" = "--rebuild-base" ] || [ ! -f "$BASE" ]; then "$SCRIPT_DIR/build-base.sh" "$BASE" >/dev/null; fi
# shellcheck disable=SC2086
(cd "$REPO_ROOT" && mvn -B -q ${MVN_ARGS:-} -Pimages -pl shared,policy,sdk,edge-node,agent,test-support,k8s-controller package -DskipTests \
  -Dburrow.image.base="tar://$BASE")
for t in edge-node/target/burrow-edge-image.tar agent/target/burrow-agent-image.tar k8s-controller/target/burrow-k8s-controller-image.tar; do
  [ -f "$REPO_ROOT/$t" ] || { echo "build: ERROR: $t was not built" >&2; exit 1; }
  echo "$REPO_ROOT/$t ($(( $(stat -c %s "$REPO_ROOT/$t") / 1048576 )) MiB)"
done

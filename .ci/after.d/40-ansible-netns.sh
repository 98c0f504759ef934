#!/usr/bin/env bash
# Deploys a 3-node edge cluster with deploy/ansible onto three network-namespace hosts over ssh and checks
# cluster, routing through every host, a rolling restart under load with no lost request, and idempotence.
# The script installs ansible, openssh-server and haproxy if missing, and removes everything it created.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f edge-node/target/burrow-edge.jar ] || [ ! -f agent/target/burrow.jar ]; then
  timeout 900 mvn -B -q -DskipTests package
fi
# The role installs the edge's package (35-packages.sh builds it before this script).
if ! ls packaging/target/burrow-edge_*.deb >/dev/null 2>&1; then
  timeout 1500 packaging/build.sh
fi
timeout 900 deploy/test/netns-ansible.sh

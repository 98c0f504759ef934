#!/usr/bin/env bash
# Container images (docs/images.md): builds the edge and agent image tarballs with Jib on a local Java 17 base
# (no registry, no Docker daemon), then runs both from their tarballs (chroot as uid 65532 in a private network
# namespace) and sends a request through them. Skips with a message where the JDK has no jmods (jlink needs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
JH=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
if [ ! -d "$JH/jmods" ]; then
  echo "60-images: SKIPPED: $JH has no jmods/, so jlink cannot make the local base image (install the JDK's jmods package)"
  exit 0
fi
for c in jq curl python3 ip unshare; do
  command -v "$c" >/dev/null || { timeout 300 apt-get update -qq; DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq jq curl python3 iproute2 util-linux >/dev/null; break; }
done
timeout 600 deploy/images/build.sh
timeout 300 deploy/images/verify-images.sh

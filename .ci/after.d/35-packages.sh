#!/usr/bin/env bash
# The installable forms (README, "Install"): builds the burrow and burrow-edge .deb packages and tarballs
# (jlink + jpackage + an AppCDS training run), installs both with dpkg -i, runs the demo flow through the installed
# commands, and removes and purges them (packaging/test-packages.sh). The packages stay in packaging/target/ for
# 40-ansible-netns.sh. Bounded; needs root (dpkg), as CI runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
JH=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
if [ ! -d "$JH/jmods" ]; then
  echo "35-packages: SKIPPED: $JH has no jmods/, so jlink cannot make the packages' runtime (install the JDK's jmods package)"
  exit 0
fi
for c in dpkg-deb python3 curl unshare setpriv; do
  command -v "$c" >/dev/null || { timeout 300 apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -o DPkg::Lock::Timeout=600 install -y -qq dpkg-dev python3 curl util-linux >/dev/null; break; }
done
timeout 1500 packaging/build.sh
timeout 600 packaging/test-packages.sh

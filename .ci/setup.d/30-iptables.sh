#!/usr/bin/env bash
# SplitBrainE2ETest cuts traffic between loopback addresses (127.0.0.11-13) with iptables; without it the test skips.
set -euo pipefail
if command -v iptables >/dev/null || [ -x /usr/sbin/iptables ]; then
  exit 0
fi
timeout 300 apt-get update -qq
DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq iptables

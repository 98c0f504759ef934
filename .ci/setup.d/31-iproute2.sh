#!/usr/bin/env bash
# ConnectionDeadlinesE2ETest reads the edge socket's keep-alive timer with `ss` (iproute2); without it that test skips.
set -euo pipefail
if command -v ss >/dev/null || [ -x /usr/bin/ss ] || [ -x /usr/sbin/ss ]; then
  exit 0
fi
timeout 300 apt-get update -qq
DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq iproute2

#!/usr/bin/env bash
# Installs what the inspector's browser test needs: Debian's chromium and playwright-core (npm, global) to drive it.
# Idempotent: skips what is already there. Bounded: every network step has a timeout.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1500 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-dejavu-core
fi
if ! command -v npm >/dev/null 2>&1; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm
fi
if [ ! -d "$(npm root -g)/playwright-core" ]; then
  # Only the driver library; it never downloads a browser of its own (we point it at /usr/bin/chromium).
  timeout 300 npm install -g --no-audit --no-fund playwright-core@1
fi
echo "browser test prerequisites: $(chromium --version 2>/dev/null || echo 'chromium missing'), playwright-core $(node -p "require('$(npm root -g)/playwright-core/package.json').version" 2>/dev/null || echo missing)"

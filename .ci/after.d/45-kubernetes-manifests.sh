#!/usr/bin/env bash
# Offline checks of deploy/kubernetes (deploy/kubernetes/check.sh): kustomize renders, least-privilege RBAC,
# references resolve, kubectl apply --dry-run=client accepts every object against a loopback discovery stub.
# Installs PyYAML if missing; kubectl comes with the machine image (it is not a Debian package): without it the
# check says so and passes. Idempotent and bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! python3 -c 'import yaml' 2>/dev/null; then
  timeout 300 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-yaml >/dev/null
fi
if ! command -v kubectl >/dev/null; then
  echo "SKIPPED: kubectl not found; deploy/kubernetes/check.sh needs it (kubectl kustomize, apply --dry-run=client)"
  exit 0
fi
timeout 300 deploy/kubernetes/check.sh

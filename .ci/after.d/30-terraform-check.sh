#!/usr/bin/env bash
# Offline checks of deploy/terraform: HCL parse of every file (npm @cdktf/hcl2json) and, where a terraform
# binary exists, terraform fmt -check. Installs node/npm and the parser if missing. Idempotent and bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
HCL2JSON_DIR=${HCL2JSON_DIR:-$HOME/.cache/burrow-hcl2json}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d "$HCL2JSON_DIR/node_modules/@cdktf/hcl2json" ]; then
  mkdir -p "$HCL2JSON_DIR"
  timeout 300 npm install --prefix "$HCL2JSON_DIR" --no-audit --no-fund --silent @cdktf/hcl2json@0.21.0
fi
HCL2JSON_DIR="$HCL2JSON_DIR" timeout 300 deploy/test/terraform-check.sh

#!/usr/bin/env bash
# The OpenID provider the admin API tests and the openid-connect/oauth policy tests (Login*E2ETest) run on loopback:
# npm oidc-provider, installed into /opt/burrow-oidc (the tests look there, or in $BURROW_OIDC_PROVIDER_DIR), and
# npm jose, with which the identity end-to-end test mints its JWTs. Idempotent; the tests skip when node or the packages are absent.
set -euo pipefail
DIR=/opt/burrow-oidc
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends nodejs npm
fi
if [ -f "$DIR/node_modules/oidc-provider/package.json" ] && [ -f "$DIR/node_modules/jose/package.json" ]; then
  echo "oidc-provider and jose present in $DIR"
  exit 0
fi
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"burrow-oidc","private":true}' > package.json
timeout 600 npm install --no-audit --no-fund --loglevel=error oidc-provider@8 jose@5

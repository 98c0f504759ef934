#!/usr/bin/env bash
# A gRPC server and client nobody on the team wrote, for the gRPC-through-a-tunnel test: Debian's python3-grpcio
# (generic handlers with raw-bytes serializers, so no protoc is needed). Idempotent and bounded.
set -euo pipefail

if ! /usr/bin/python3 -c 'import grpc' >/dev/null 2>&1; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends python3-grpcio
fi
echo "grpc test tools: python3-grpcio $(/usr/bin/python3 -c 'import grpc; print(grpc.__version__)')"

#!/usr/bin/env bash
# Real HTTP/2 software for the gRPC and hostile HTTP/2 tests, nobody on the team wrote: Debian's python3-grpcio (a
# gRPC server and client with generic handlers and raw-bytes serializers, so no protoc is needed) and python3-h2 /
# python3-hyperframe (an HTTP/2 client whose own checks can be turned off, and raw frames). Debian's /usr/bin/python3
# is the interpreter the tests run. nghttp2-client (h2load, nghttp) and nghttp2-server (nghttpd, an h2c upstream that can
# add trailers). Idempotent and bounded.
set -euo pipefail

if ! /usr/bin/python3 -c 'import grpc, h2, hyperframe' >/dev/null 2>&1 || ! command -v h2load >/dev/null 2>&1 \
    || ! command -v nghttp >/dev/null 2>&1 || ! [ -x /usr/sbin/nghttpd ]; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    python3-grpcio python3-h2 python3-hyperframe nghttp2-client nghttp2-server
fi
echo "http/2 test tools: python3-grpcio $(/usr/bin/python3 -c 'import grpc; print(grpc.__version__)'), python3-h2 $(/usr/bin/python3 -c 'import h2; print(h2.__version__)')"

#!/usr/bin/env bash
# The real UDP software the UDP endpoint tests run on loopback: dnsmasq (the DNS upstream, from dnsmasq-base, which
# installs no service), dig (bind9-dnsutils), socat (raw echo) and iperf3 (loss and jitter figures).
# Idempotent and bounded; the tests skip with a message naming this script when a tool is missing.
set -euo pipefail

need=()
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
command -v dig >/dev/null 2>&1 || need+=(bind9-dnsutils)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v iperf3 >/dev/null 2>&1 || need+=(iperf3)
if [ "${#need[@]}" -gt 0 ]; then
  timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
fi
echo "UDP test tools: $( (/usr/sbin/dnsmasq --version 2>/dev/null || echo 'dnsmasq missing') | head -1), $(dig -v 2>&1 | head -1), $(socat -V 2>/dev/null | sed -n 2p || echo 'socat missing'), $(iperf3 --version 2>/dev/null | head -1 || echo 'iperf3 missing')"

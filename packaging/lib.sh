# shellcheck shell=bash
# What train-cds.sh and test-packages.sh share, sourced after `set -euo pipefail` with LOG_NAME set: logging,
# a free port from the OS, and waiting for a process's line. `die` runs on_die first when a script defines it.

log() { printf '[%s %s] %s\n' "$LOG_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; if declare -F on_die >/dev/null; then on_die; fi; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_line() {  # file pattern pid seconds: until the file has the line; fails if the process exits first
  local i
  for ((i = 0; i < $4 * 10; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || die "$(basename "$1" .log) exited before printing '$2'"
    sleep 0.1
  done
  die "no '$2' in $1 within $4 s"
}

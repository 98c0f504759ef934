#!/usr/bin/env bash
# Deploys a 3-node Burrow edge cluster with the Ansible playbooks onto three "hosts" that are network namespaces
# on this machine, over ssh, and proves that:
#   1. site.yml deploys all three and they form one cluster (each node's /metrics: burrow_cluster_members 3);
#      the systemd unit it writes passes `systemd-analyze verify`;
#   2. an agent linked to one host serves a request through every host (body compared);
#   3. rolling-restart.yml, run under a steady load through a load balancer (haproxy, health check on /readyz),
#      restarts every node (new pids) and loses no request;
#   4. a second run of site.yml reports changed=0 on every host.
#
# Layout: bridge brwt-br0 (10.213.0.254/24) in this namespace; namespaces brwt-h1..3 (10.213.0.1-3) each joined
# to it by a veth pair; sshd in each namespace; every path of host N under $WORK/hN (namespaces share the
# filesystem). Before any traffic the script checks that the routes to 10.213.0.0/24 go through its own bridge
# and veths. systemd is not PID 1 here, so the playbook runs the nodes with its script mode (auto-detected).
#
# Needs root, Java 17, the agent jar (mvn -B -DskipTests package) and the edge's package and tarball
# (packaging/build.sh; h1 and h2 install the .deb, h3 unpacks the tarball); installs ansible, openssh-server,
# haproxy and systemd (for systemd-analyze only; it is not started) with apt-get if missing. Stops every process it started and deletes every namespace, link, user and
# file it created, on success, failure or Ctrl-C.
#
# Usage: deploy/test/netns-ansible.sh [--keep]   (--keep: leave $WORK on failure for inspection)
# Environment: LOAD_CLIENTS [4] concurrent request loops; LOAD_MAX_SECONDS [300] cap of the load phase;
#              LB_HOOKS [1] 0: the rolling restart does not take nodes out of haproxy first (health check only).
set -euo pipefail
# The whole script is one block, parsed before it runs: editing the file during a run cannot change the run.
{

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_NAME=netns-ansible
DIE_WORD=FAILED
# shellcheck source=../../load-tests/lib/common.sh
source "$SCRIPT_DIR/../../load-tests/lib/common.sh"
ANSIBLE_DIR="$REPO_ROOT/deploy/ansible"
LOAD_CLIENTS=${LOAD_CLIENTS:-4}
LOAD_MAX_SECONDS=${LOAD_MAX_SECONDS:-300}
parse_flags "keep" "$@"

PREFIX=brwt
BRIDGE=$PREFIX-br0
NET=10.213.0
GATEWAY=$NET.254
HOSTS=(h1 h2 h3)
DOMAIN=burrow.test
SUBDOMAIN=app
HTTP_PORT=8080
TUNNEL_PORT=4443
OPS_PORT=9090
CLUSTER_PORT=5701

ns() { echo "$PREFIX-$1"; }
ip_of() { echo "$NET.$(( ${1#h} ))"; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, sshd)"
[ -f "$AGENT_JAR" ] || die "agent jar missing ($AGENT_JAR): run mvn -B -DskipTests package first"
EDGE_DEB=$(ls "$REPO_ROOT"/packaging/target/burrow-edge_*.deb 2>/dev/null | head -n1)
EDGE_TARBALL=$(ls "$REPO_ROOT"/packaging/target/burrow-edge-*-linux-*.tar.gz 2>/dev/null | head -n1)
[ -n "$EDGE_DEB" ] && [ -n "$EDGE_TARBALL" ] || die "edge package missing: run packaging/build.sh first"
# The hosts share this machine's package database: h1 and h2 install the .deb (once for both), h3 the tarball.
! dpkg -s burrow-edge >/dev/null 2>&1 || die "burrow-edge is installed on this machine already; not touching it"
command -v java >/dev/null || die "java is not installed"

# ---------------------------------------------------------------------------------------------------------------
# Tools
install_tools --with-recommends ansible-playbook=ansible sshd=openssh-server ssh-keygen=openssh-client haproxy=haproxy \
  curl=curl openssl=openssl setpriv=util-linux systemd-analyze=systemd

# ---------------------------------------------------------------------------------------------------------------
# Cleanup: everything below registers what it creates here first.
WORK=$(mktemp -d /tmp/burrow-netns-ansible.XXXXXX)
chmod 755 "$WORK"
PIDS=()
CREATED_NS=()
CREATED_USERS=()
BRIDGE_CREATED=0
FAILED=1
cleanup() {
  local rc=$? pid n pids user
  set +e
  trap - EXIT INT TERM
  [ -n "${LOAD_STOP:-}" ] && touch "$LOAD_STOP"
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null; done
  # The edge nodes: SIGTERM first (they drain; quick here, no agent left), SIGKILL after 10 s.
  for h in "${HOSTS[@]}"; do
    pid=$(cat "$WORK/$h/var/lib/burrow/burrow-edge.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
  done
  for n in "${CREATED_NS[@]}"; do
    for _ in $(seq 1 100); do [ -z "$(ip netns pids "$n" 2>/dev/null)" ] && break; sleep 0.1; done
    pids=$(ip netns pids "$n" 2>/dev/null)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  done
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -KILL "${PIDS[$i]}" 2>/dev/null; wait "${PIDS[$i]}" 2>/dev/null; done
  for n in "${CREATED_NS[@]}"; do ip netns delete "$n" 2>/dev/null; done
  [ "$BRIDGE_CREATED" = 1 ] && ip link delete "$BRIDGE" 2>/dev/null
  for user in "${CREATED_USERS[@]}"; do userdel "$user" 2>/dev/null; groupdel "$user" 2>/dev/null; done
  # The package's own files, service user and data directory go with a purge.
  dpkg -s burrow-edge >/dev/null 2>&1 && dpkg -P burrow-edge >/dev/null 2>&1
  if [ "$FAILED" = 1 ] && [ "$KEEP" = 1 ]; then
    log "kept $WORK for inspection"
  else
    if [ "$FAILED" = 1 ]; then
      for f in "$WORK"/h*/var/log/burrow/burrow-edge.log "$WORK"/agent.log; do
        [ -f "$f" ] && { log "last lines of $f:"; tail -n 15 "$f" | sed 's/^/    /' >&2; }
      done
    fi
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------
# Network: only addresses this script assigns, routes checked before anything is sent.
[ -z "$(ip -4 addr show to "$NET.0/24")" ] || die "$NET.0/24 is already assigned on this machine; not touching it"
[ -z "$(ip -4 route show to "$NET.0/24")" ] || die "a route to $NET.0/24 already exists; not touching it"
for h in "${HOSTS[@]}"; do
  ! ip netns list | grep -qw "$(ns "$h")" || die "namespace $(ns "$h") exists (a previous run still going?)"
done
ip link add "$BRIDGE" type bridge
BRIDGE_CREATED=1
ip addr add "$GATEWAY/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
for h in "${HOSTS[@]}"; do
  n=$(ns "$h")
  ip netns add "$n"
  CREATED_NS+=("$n")
  ip link add "$PREFIX-$h" type veth peer name "$PREFIX-$h-in"
  ip link set "$PREFIX-$h-in" netns "$n"
  ip link set "$PREFIX-$h" master "$BRIDGE" up
  ip -n "$n" link set lo up
  ip -n "$n" link set "$PREFIX-$h-in" name eth0
  ip -n "$n" addr add "$(ip_of "$h")/24" dev eth0
  ip -n "$n" link set eth0 up
done
for h in "${HOSTS[@]}"; do
  ip route get "$(ip_of "$h")" | grep -q "dev $BRIDGE " || die "route to $(ip_of "$h") does not go through $BRIDGE: $(ip route get "$(ip_of "$h")")"
  for g in "${HOSTS[@]}"; do
    ip netns exec "$(ns "$h")" ip route get "$(ip_of "$g")" | grep -Eq "dev (eth0|lo) " \
      || die "inside $(ns "$h"), the route to $(ip_of "$g") does not stay on its veth"
  done
  ip netns exec "$(ns "$h")" ip route get "$GATEWAY" | grep -q "dev eth0 " || die "inside $(ns "$h"), no route to $GATEWAY via eth0"
  # No default route in the namespaces: nothing sent there can leave these four addresses.
  [ -z "$(ip -n "$(ns "$h")" route show default)" ] || die "$(ns "$h") has a default route"
done
log "network: $BRIDGE $GATEWAY/24, namespaces $(for h in "${HOSTS[@]}"; do printf '%s=%s ' "$(ns "$h")" "$(ip_of "$h")"; done)"

# ---------------------------------------------------------------------------------------------------------------
# sshd in each namespace (own host key, pid file and log; root by key only)
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/controller_key"
install -m 600 "$WORK/controller_key.pub" "$WORK/authorized_keys"
for h in "${HOSTS[@]}"; do
  mkdir -p "$WORK/$h"
  ssh-keygen -q -t ed25519 -N '' -f "$WORK/$h/ssh_host_ed25519_key"
  cat > "$WORK/$h/sshd_config" <<EOF
ListenAddress $(ip_of "$h"):22
HostKey $WORK/$h/ssh_host_ed25519_key
PidFile $WORK/$h/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
EOF
  /usr/sbin/sshd -t -f "$WORK/$h/sshd_config" || die "sshd config of $h is invalid"
  ip netns exec "$(ns "$h")" /usr/sbin/sshd -f "$WORK/$h/sshd_config" -E "$WORK/$h/sshd.log"
  for _ in $(seq 1 50); do [ -s "$WORK/$h/sshd.pid" ] && break; sleep 0.1; done
  [ -s "$WORK/$h/sshd.pid" ] || die "sshd in $(ns "$h") did not start (see $WORK/$h/sshd.log)"
  PIDS+=("$(cat "$WORK/$h/sshd.pid")")
  timeout 5 bash -c "exec 3<>/dev/tcp/$(ip_of "$h")/22" 2>/dev/null || die "cannot reach sshd at $(ip_of "$h"):22 over $BRIDGE"
done
log "sshd running in every namespace"

# ---------------------------------------------------------------------------------------------------------------
# Inventory: one region, three hosts, each with its own paths and service user.
for h in "${HOSTS[@]}"; do
  id -u "$PREFIX-$h" >/dev/null 2>&1 && die "user $PREFIX-$h exists already (a previous run?)"
  CREATED_USERS+=("$PREFIX-$h")
done
mkdir -p "$WORK/inventory"
{
  echo "all:"
  echo "  vars:"
  echo "    ansible_user: root"
  echo "    ansible_become: false"
  echo "    ansible_python_interpreter: /usr/bin/python3"
  echo "    ansible_ssh_private_key_file: $WORK/controller_key"
  echo "    ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'"
  echo "    burrow_secrets_dir: $WORK/secrets"
  echo "    burrow_edge_deb: $EDGE_DEB"
  echo "    burrow_edge_tarball: $EDGE_TARBALL"
  echo "    burrow_domain: $DOMAIN"
  echo "    burrow_http_port: $HTTP_PORT"
  echo "    burrow_tunnel_port: $TUNNEL_PORT"
  echo "    burrow_ops_port: $OPS_PORT"
  echo "    burrow_cluster_port: $CLUSTER_PORT"
  echo "    burrow_drain_timeout: 10s"
  echo "    burrow_cluster_join_wait: 2s"
  echo "    burrow_event_loops: 1"
  if [ "${LB_HOOKS:-1}" = 1 ]; then
    echo "    burrow_lb_drain_command: /usr/bin/python3 $WORK/lb.py {{ inventory_hostname }} drain"
    echo "    burrow_lb_drain_wait_seconds: 1"
    echo "    burrow_lb_enable_command: /usr/bin/python3 $WORK/lb.py {{ inventory_hostname }} ready"
  fi
  echo "    burrow_java_opts: -Xms128m -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
  echo "  children:"
  echo "    edge:"
  echo "      children:"
  echo "        region_test:"
  echo "          vars:"
  echo "            burrow_region: test-1"
  echo "          hosts:"
  for h in "${HOSTS[@]}"; do
    echo "            $h:"
    echo "              ansible_host: $(ip_of "$h")"
    echo "              ansible_remote_tmp: $WORK/$h/ansible-tmp"
    echo "              burrow_root: $WORK/$h"
    echo "              burrow_user: $PREFIX-$h"
    echo "              burrow_group: $PREFIX-$h"
    [ "$h" = h3 ] && echo "              burrow_edge_install: tarball"
  done
} > "$WORK/inventory/hosts.yml"

export ANSIBLE_CONFIG="$ANSIBLE_DIR/ansible.cfg"
export ANSIBLE_LOCAL_TEMP="$WORK/ansible-local"
export ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks
export ANSIBLE_SSH_CONTROL_PATH_DIR="$WORK/cp"
export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=30s"

playbook() {  # name log-file: runs a playbook; prints its recap
  local book=$1 out=$2 rc=0
  timeout 600 ansible-playbook -i "$WORK/inventory/hosts.yml" "$ANSIBLE_DIR/$book" > "$out" 2>&1 || rc=$?
  sed -n '/PLAY RECAP/,/^$/p' "$out" | sed 's/^/    /' >&2
  if [ "$rc" -ne 0 ]; then
    grep -E 'fatal:|FAILED!|ERROR!' "$out" | head -n 10 | cut -c1-600 >&2 || true
    die "$book failed (exit $rc); full output above in part, all of it in $out"
  fi
}

metric() {  # host name: value of the metric on that node's /metrics
  curl -s --max-time 3 "http://$(ip_of "$1"):$OPS_PORT/metrics" \
    | awk -v m="$2" '!/^#/ { k = $1; sub(/\{.*/, "", k); if (k == m) { printf "%.0f", $NF; exit } }'
}
edge_pid() { cat "$WORK/$1/var/lib/burrow/burrow-edge.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------------------------------------------------------
# 1. First deployment
log "running site.yml (first deployment)"
SECONDS=0
playbook site.yml "$WORK/site-1.log"
log "site.yml deployed 3 nodes in ${SECONDS}s"
for h in "${HOSTS[@]}"; do
  [ "$(metric "$h" burrow_cluster_members)" = 3 ] || die "$h does not see 3 cluster members (metrics: $(metric "$h" burrow_cluster_members))"
done
log "PASS cluster: every node's /metrics shows burrow_cluster_members 3"
for h in "${HOSTS[@]}"; do
  grep -q "Cluster member $h " "$WORK/$h/var/log/burrow/burrow-edge.log" || die "$h log has no 'Cluster member $h' line"
  [ "$(ps -o user= -p "$(edge_pid "$h")" | tr -d ' ')" = "$PREFIX-$h" ] || die "$h's node does not run as $PREFIX-$h"
  cmp -s "$WORK/secrets/ca.pem" "$WORK/$h/var/lib/burrow/ca.pem" || die "$h's ca.pem is not the shared CA"
done
log "PASS each node runs as its service user, with the shared CA"
if command -v systemd-analyze >/dev/null; then
  for h in "${HOSTS[@]}"; do
    unit="$WORK/$h/etc/systemd/system/burrow-edge.service"
    out=$(systemd-analyze verify "$unit" 2>&1) || die "systemd-analyze verify $unit failed: $out"
    # Only complaints about this unit count (the host's other units are not ours).
    if echo "$out" | grep -F "burrow-edge.service" | grep -v "Failed to put bus name"; then die "systemd-analyze verify warned about $unit"; fi
  done
  log "PASS systemd-analyze verify accepts the unit of every host"
else
  log "SKIP systemd-analyze is not installed: the unit was written but not verified"
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. An agent linked to h1 serves through every host
BODY="burrow netns deploy test $(date +%s%N)"
mkdir -p "$WORK/www"
printf '%s' "$BODY" > "$WORK/www/index.html"
UPSTREAM_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$UPSTREAM_PORT" > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)
BURROW_AUTHTOKEN=$(cat "$WORK/secrets/authtoken") java -Xmx128m -XX:TieredStopAtLevel=1 -jar "$AGENT_JAR" http "127.0.0.1:$UPSTREAM_PORT" \
  --server "$(ip_of h1):$TUNNEL_PORT" --edge-ca "$WORK/secrets/ca.pem" --subdomain "$SUBDOMAIN" --web-addr false \
  > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
PIDS+=("$AGENT_PID")
for _ in $(seq 1 600); do
  grep -qs "Forwarding http://$SUBDOMAIN.$DOMAIN" "$WORK/agent.log" && break
  kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited: $(tail -n 3 "$WORK/agent.log")"
  sleep 0.1
done
grep -q "Forwarding http://$SUBDOMAIN.$DOMAIN" "$WORK/agent.log" || die "the agent did not print 'Forwarding http://$SUBDOMAIN.$DOMAIN' within 60 s"
fetch() {  # ip: body of GET / with Host app.burrow.test through that node
  curl -s --max-time 5 -H "Host: $SUBDOMAIN.$DOMAIN" "http://$1:$HTTP_PORT/"
}
for h in "${HOSTS[@]}"; do
  got=""
  for _ in $(seq 1 100); do got=$(fetch "$(ip_of "$h")" || true); [ "$got" = "$BODY" ] && break; sleep 0.2; done
  [ "$got" = "$BODY" ] || die "through $h ($(ip_of "$h")) the request got '${got:0:200}', not the upstream's body"
done
links=$(for h in "${HOSTS[@]}"; do printf '%s=%s ' "$h" "$(metric "$h" burrow_agent_links)"; done)
log "PASS an agent linked to h1 serves the same body through h1, h2 and h3 (agent links per node: $links)"

# ---------------------------------------------------------------------------------------------------------------
# 3. Rolling restart under load, through haproxy standing in for the load balancer (health check: /readyz)
LB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
  cat <<EOF
global
  maxconn 512
  log stdout format raw local0
  stats socket $WORK/haproxy.sock mode 600 level admin
defaults
  mode http
  log global
  option httplog
  # Every request on its own server connection: a failure is then the node's, not a reused idle connection's.
  http-reuse never
  timeout connect 2s
  timeout client 10s
  timeout server 10s
  retries 3
  option redispatch 1
frontend public
  bind 127.0.0.1:$LB_PORT
  default_backend edges
backend edges
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server check port $OPS_PORT inter 200ms fall 1 rise 2
EOF
  for h in "${HOSTS[@]}"; do echo "  server $h $(ip_of "$h"):$HTTP_PORT"; done
} > "$WORK/haproxy.cfg"
# The rolling restart's load-balancer hooks: haproxy's admin socket, "set server edges/hN state drain|ready".
cat > "$WORK/lb.py" <<EOF
import socket, sys
host, state = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.connect("$WORK/haproxy.sock")
s.sendall(f"set server edges/{host} state {state}\n".encode())
reply = s.recv(4096).decode().strip()
sys.exit(f"haproxy: {reply}" if reply else 0)
EOF
haproxy -c -q -f "$WORK/haproxy.cfg" || die "haproxy config invalid"
haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ "$(fetch "127.0.0.1:$LB_PORT" 2>/dev/null || true)" = "$BODY" ] && break; sleep 0.1; done
[ "$(curl -s --max-time 5 -H "Host: $SUBDOMAIN.$DOMAIN" "http://127.0.0.1:$LB_PORT/")" = "$BODY" ] || die "no answer through haproxy"

declare -A PID_BEFORE
for h in "${HOSTS[@]}"; do PID_BEFORE[$h]=$(edge_pid "$h"); done
LOAD_STOP="$WORK/load.stop"
load_client() {  # n: GETs through the load balancer until told to stop; one line per request: ok|fail reason
  local n=$1 got code deadline=$((SECONDS + LOAD_MAX_SECONDS))
  while [ ! -e "$LOAD_STOP" ] && [ "$SECONDS" -lt "$deadline" ]; do
    got=$(curl -s --max-time 10 -w '\n%{http_code}' -H "Host: $SUBDOMAIN.$DOMAIN" "http://127.0.0.1:$LB_PORT/" 2>&1) || true
    code=${got##*$'\n'}
    if [ "$code" = 200 ] && [ "${got%$'\n'*}" = "$BODY" ]; then echo ok; else echo "fail $(date +%T.%N) status=$code ${got:0:120}" | tr '\n' ' '; echo; fi
  done > "$WORK/load-$n.out"
}
LOAD_PIDS=()
for n in $(seq 1 "$LOAD_CLIENTS"); do load_client "$n" & LOAD_PIDS+=($!); PIDS+=($!); done
sleep 2
log "running rolling-restart.yml under load ($LOAD_CLIENTS clients in a loop through haproxy; load-balancer hooks: $([ "${LB_HOOKS:-1}" = 1 ] && echo on || echo off))"
SECONDS_BEFORE=$SECONDS
playbook rolling-restart.yml "$WORK/rolling.log"
ROLL_SECONDS=$((SECONDS - SECONDS_BEFORE))
sleep 2
touch "$LOAD_STOP"
wait "${LOAD_PIDS[@]}"  # each finishes its current request (at most 10 s) and stops
OK=$(cat "$WORK"/load-*.out | grep -c '^ok$' || true)
FAIL=$(cat "$WORK"/load-*.out | grep -c '^fail' || true)
log "load: $OK requests answered with the right body, $FAIL failed, during a ${ROLL_SECONDS}s rolling restart"
[ "$FAIL" = 0 ] || {
  grep -h '^fail' "$WORK"/load-*.out | head -n 10 >&2 || true
  log "haproxy's log of the failed requests (server, timings, termination state):"
  grep -E '" 5[0-9][0-9] |edges/<NOSRV>| [CS][DHQRT]-- ' "$WORK/haproxy.log" | grep -v ' 200 ' | head -n 10 >&2 || true
  die "$FAIL requests failed during the rolling restart"; }
[ "$OK" -ge 100 ] || die "only $OK requests were made during the rolling restart; the load was not steady"
for h in "${HOSTS[@]}"; do
  after=$(edge_pid "$h")
  [ -n "$after" ] && [ "$after" != "${PID_BEFORE[$h]}" ] || die "$h was not restarted (pid ${PID_BEFORE[$h]} -> $after)"
  grep -q "drained in" "$WORK/$h/var/log/burrow/burrow-edge.log" || die "$h's log shows no drain"
  [ "$(metric "$h" burrow_cluster_members)" = 3 ] || die "after the rolling restart $h does not see 3 members"
done
log "PASS rolling restart: each node drained and came back (new pids), 3 members each, $OK requests, 0 lost"

# ---------------------------------------------------------------------------------------------------------------
# 4. Idempotence
log "running site.yml again"
playbook site.yml "$WORK/site-2.log"
recap=$(sed -n '/PLAY RECAP/,$p' "$WORK/site-2.log" | grep -E '^h[0-9] ')
[ "$(echo "$recap" | wc -l)" = 3 ] || die "the second run's recap does not list 3 hosts"
if echo "$recap" | grep -Ev 'changed=0 .*failed=0'; then die "the second run of site.yml changed something"; fi
for h in "${HOSTS[@]}"; do
  pid=$(edge_pid "$h"); [ -n "$pid" ] && kill -0 "$pid" || die "$h has no running node after the second run"
done
log "PASS the second run of site.yml reports changed=0 on every host"

FAILED=0
log "4 passed, 0 failed"
echo "netns-ansible: 4 passed, 0 failed"
exit
}

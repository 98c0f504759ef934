#!/usr/bin/env bash
# Checks the manifests in this directory without a cluster (CI runs it offline):
#   1. kustomize renders them (kubectl kustomize);
#   2. each object is well formed; RBAC grants no wildcard, no Secret access and no verb beyond read and status
#      writes (and creating Events); the Deployment's service account and Secret exist; its pod runs as non-root, read-only root;
#   3. kubectl apply --dry-run=client accepts every object, against a stub API server on loopback that only serves
#      the discovery documents kubectl needs (a port from the OS; stopped on exit).
# Needs kubectl and python3 (with PyYAML).
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/burrow-k8s-check.XXXXXX")
STUB_PID=
cleanup() { [ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
command -v kubectl >/dev/null || { echo "check.sh: kubectl not found" >&2; exit 1; }

kubectl kustomize "$DIR" > "$WORK/rendered.yaml"
echo "rendered $(grep -c '^kind:' "$WORK/rendered.yaml") objects"

python3 "$DIR/check_manifests.py" "$WORK/rendered.yaml"

python3 "$DIR/discovery_stub.py" "$WORK/port" &
STUB_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] || { echo "check.sh: the discovery stub did not start" >&2; exit 1; }
cat > "$WORK/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: stub, cluster: {server: "http://127.0.0.1:$(cat "$WORK/port")"}}]
users: [{name: stub, user: {}}]
contexts: [{name: stub, context: {cluster: stub, user: stub}}]
current-context: stub
KUBECONFIG
out=$(KUBECONFIG="$WORK/kubeconfig" timeout 60 kubectl apply --dry-run=client --validate=false -f "$WORK/rendered.yaml" --cache-dir "$WORK/cache")
echo "$out"
expected=$(grep -c '^kind:' "$WORK/rendered.yaml")
accepted=$(grep -c '(dry run)' <<<"$out" || true)
[ "$accepted" = "$expected" ] || { echo "check.sh: kubectl accepted $accepted of $expected objects" >&2; exit 1; }
echo "deploy/kubernetes: all $expected objects pass"

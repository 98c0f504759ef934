"""Structural checks of the rendered manifests (see check.sh): well formed, least-privilege RBAC, references resolve."""
import sys

import yaml

ALLOWED_VERBS = {"get", "list", "watch", "update", "patch"}
WRITE_VERBS = {"update", "patch"}
# Leader election is the one write beyond a status: in a namespaced Role, creating Leases and renewing one by name.
LEASE_GROUP = "coordination.k8s.io"

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
problems = []
by_kind = {}
for d in docs:
    for field in ("apiVersion", "kind"):
        if not d.get(field):
            problems.append(f"an object without {field}: {d}")
    name = (d.get("metadata") or {}).get("name")
    if not name:
        problems.append(f"a {d.get('kind')} without metadata.name")
    by_kind.setdefault(d.get("kind"), {})[name] = d

lease_names = set()
for role in list(by_kind.get("ClusterRole", {}).values()) + list(by_kind.get("Role", {}).values()):
    for rule in role.get("rules", []):
        resources, verbs = rule.get("resources", []), rule.get("verbs", [])
        where = f"{role['kind']} {role['metadata']['name']} rule {rule}"
        if rule.get("apiGroups") == [LEASE_GROUP]:
            if role["kind"] != "Role" or resources != ["leases"]:
                problems.append(f"{where}: Lease rights must be a namespaced Role on leases only")
            elif set(verbs) - {"create", "get", "update"}:
                problems.append(f"{where}: Lease verbs beyond create, get and update")
            elif set(verbs) & {"get", "update"} and not rule.get("resourceNames"):
                problems.append(f"{where}: get/update of Leases must name the Lease")
            lease_names |= set(rule.get("resourceNames", []))
            continue
        if "events" in resources:
            # Events are written beside a status condition: created, never read back, changed or deleted.
            if rule.get("apiGroups") != [""] or resources != ["events"] or verbs != ["create"]:
                problems.append(f"{where}: Events must be a core rule on events only, with the verb create only")
            continue
        if "*" in resources or "*" in verbs or "*" in rule.get("apiGroups", []):
            problems.append(f"{where}: a wildcard")
        if "secrets" in resources:
            problems.append(f"{where}: access to Secrets")
        if set(verbs) - ALLOWED_VERBS:
            problems.append(f"{where}: verbs beyond read and status writes: {sorted(set(verbs) - ALLOWED_VERBS)}")
        if set(verbs) & WRITE_VERBS and not all(r.endswith("/status") for r in resources):
            problems.append(f"{where}: writes to something other than a status")

for deployment in by_kind.get("Deployment", {}).values():
    pod = deployment["spec"]["template"]["spec"]
    account = pod.get("serviceAccountName")
    if account not in by_kind.get("ServiceAccount", {}):
        problems.append(f"Deployment {deployment['metadata']['name']}: service account {account} is not defined")
    if not (pod.get("securityContext") or {}).get("runAsNonRoot"):
        problems.append(f"Deployment {deployment['metadata']['name']}: the pod may run as root")
    for container in pod["containers"]:
        if not (container.get("securityContext") or {}).get("readOnlyRootFilesystem"):
            problems.append(f"container {container['name']}: writable root file system")
        for env in container.get("env", []):
            ref = (env.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                secret = by_kind.get("Secret", {}).get(ref["name"])
                keys = set((secret or {}).get("stringData", {})) | set((secret or {}).get("data", {}))
                if ref["key"] not in keys:
                    problems.append(f"container {container['name']}: {env['name']} names {ref['name']}/{ref['key']}, not defined")

    replicas = deployment["spec"].get("replicas", 1)
    lease_env = {e["name"]: e.get("value") for c in pod["containers"] for e in c.get("env", [])}
    if replicas > 1 and lease_env.get("BURROW_LEASE_NAME", "burrow-controller") not in lease_names:
        problems.append(f"Deployment {deployment['metadata']['name']}: {replicas} replicas but no Role lets them hold their Lease")

for crd in by_kind.get("CustomResourceDefinition", {}).values():
    name = crd["metadata"]["name"]
    if name != f"{crd['spec']['names']['plural']}.{crd['spec']['group']}":
        problems.append(f"CRD {name}: the name is not PLURAL.GROUP")
    for version in crd["spec"]["versions"]:
        schema = ((version.get("schema") or {}).get("openAPIV3Schema") or {})
        if schema.get("type") != "object" or "spec" not in schema.get("properties", {}):
            problems.append(f"CRD {name} {version['name']}: no openAPIV3Schema with a spec")
        if "status" not in (version.get("subresources") or {}):
            problems.append(f"CRD {name} {version['name']}: no status subresource (the controller writes status only)")
if "burrowendpoints.burrow.dev" not in by_kind.get("CustomResourceDefinition", {}):
    problems.append("no CRD burrowendpoints.burrow.dev")
else:
    crd = by_kind["CustomResourceDefinition"]["burrowendpoints.burrow.dev"]
    for version in crd["spec"]["versions"]:
        spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
        ref = spec.get("properties", {}).get("trafficPolicyRef") or {}
        if set(ref.get("required", [])) != {"name", "key"}:
            problems.append(f"CRD burrowendpoints.burrow.dev {version['name']}: spec.trafficPolicyRef without a required name and key")

# spec.trafficPolicyRef is read from ConfigMaps, and a change of one is watched: get, list and watch, nothing more.
config_verbs = set()
for role in by_kind.get("ClusterRole", {}).values():
    for rule in role.get("rules", []):
        if "" in rule.get("apiGroups", []) and "configmaps" in rule.get("resources", []):
            config_verbs |= set(rule.get("verbs", []))
if config_verbs != {"get", "list", "watch"}:
    problems.append(f"ClusterRole: configmaps verbs {sorted(config_verbs)}, not get, list, watch (spec.trafficPolicyRef)")

classes = by_kind.get("IngressClass", {})
if "burrow" not in classes or classes["burrow"]["spec"].get("controller") != "burrow.dev/ingress-controller":
    problems.append("no IngressClass burrow with controller burrow.dev/ingress-controller")

for p in problems:
    print("PROBLEM:", p, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"{len(docs)} objects: well formed, least-privilege RBAC, references resolve")

"""The discovery documents kubectl needs to map the manifests' kinds, on a loopback port from the OS; every other
path answers 404 (no object exists, so a client-side dry run reports each as created). Writes its port to argv[1]."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def resources(*entries):
    return [{"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": ["get", "list", "create", "patch"]}
            for name, kind, namespaced in entries]


GROUPS = {
    "apps/v1": resources(("deployments", "Deployment", True)),
    "rbac.authorization.k8s.io/v1": resources(("clusterroles", "ClusterRole", False), ("clusterrolebindings", "ClusterRoleBinding", False),
                                              ("roles", "Role", True), ("rolebindings", "RoleBinding", True)),
    "networking.k8s.io/v1": resources(("ingressclasses", "IngressClass", False), ("ingresses", "Ingress", True)),
    "coordination.k8s.io/v1": resources(("leases", "Lease", True)),
    "apiextensions.k8s.io/v1": resources(("customresourcedefinitions", "CustomResourceDefinition", False)),
}
CORE = resources(("namespaces", "Namespace", False), ("secrets", "Secret", True), ("serviceaccounts", "ServiceAccount", True),
                 ("services", "Service", True), ("configmaps", "ConfigMap", True))

DOCS = {
    "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": CORE},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": gv.split("/")[0], "versions": [{"groupVersion": gv, "version": gv.split("/")[1]}],
         "preferredVersion": {"groupVersion": gv, "version": gv.split("/")[1]}} for gv in GROUPS]},
}
for gv, entries in GROUPS.items():
    DOCS["/apis/" + gv] = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": entries}


class Discovery(BaseHTTPRequestHandler):
    def do_GET(self):
        doc = DOCS.get(self.path.split("?")[0])
        status = 200 if doc else 404
        body = json.dumps(doc or {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()

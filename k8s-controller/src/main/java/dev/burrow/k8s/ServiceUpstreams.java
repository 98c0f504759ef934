package dev.burrow.k8s;

import java.net.URI;

/** Where the controller reaches a Service port: cluster DNS in a cluster, anything else in a test. */
@FunctionalInterface
public interface ServiceUpstreams {

    /** The upstream URL of port {@code port} of Service {@code service} in {@code namespace}. */
    URI uri(String namespace, String service, int port);

    /** {@code http://SERVICE.NAMESPACE.svc:PORT}, which a pod's resolver completes with the cluster domain. */
    static ServiceUpstreams clusterDns() {
        return (namespace, service, port) -> URI.create("http://" + service + "." + namespace + ".svc:" + port);
    }
}

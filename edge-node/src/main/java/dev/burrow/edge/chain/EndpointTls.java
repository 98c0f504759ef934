package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.TlsTermination;
import dev.burrow.protocol.ClientCertificates;

/**
 * How the edge terminates an HTTPS endpoint's TLS: read by the HTTPS front door before each handshake (it picks the
 * server and the certificate by it) and by the HTTPS listener's rules. On event loops, once the endpoint's policy is
 * compiled, map lookups only.
 */
public interface EndpointTls {
    /** From the bind alone ({@code --mutual-tls-cas}); no policy. */
    EndpointTls FROM_BIND = new EndpointTls() {
        @Override
        public ClientCertificates clientCertificates(Endpoint endpoint) {
            return endpoint.settings().clientCertificates();
        }

        @Override
        public TlsTermination termination(Endpoint endpoint) {
            return null;
        }
    };

    /** What the endpoint's handshake asks of its visitors' certificates (its bind or its policy), or null: nothing. */
    ClientCertificates clientCertificates(Endpoint endpoint);

    /** The endpoint policy's {@code terminate-tls} (versions, server certificate), or null: the edge's defaults. */
    TlsTermination termination(Endpoint endpoint);
}

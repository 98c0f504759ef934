package dev.burrow.policy;

import dev.burrow.protocol.ClientCertificates;

/**
 * What a policy's {@code terminate-tls} action asks of the edge's TLS handshake. The handshake comes before any rule
 * runs, so this is fixed when the policy is compiled (the action's rule has no expressions, its config no
 * {@code ${}}); the edge reads it when it routes a connection by its SNI.
 *
 * @param clientCertificates the client certificates asked for (mutual TLS), or null: none
 * @param versions           the TLS versions the endpoint's name is served with
 * @param serverCertificate  the certificate the endpoint's name is served with, or null: the edge's own sources
 * @param source             where the action is written, for refusals that only the edge can make (its protocol)
 */
public record TlsTermination(ClientCertificates clientCertificates, TlsVersions versions, ServerCertificate serverCertificate,
                             String source, int line, int column) {

    /** ngrok's {@code min_version}/{@code max_version}: TLS 1.2 and 1.3 are served, 1.0 and 1.1 never. */
    public enum TlsVersions {
        /** Both (ngrok's default). */
        TLS_1_2_AND_1_3("TLSv1.2", "TLSv1.3"),
        /** {@code min_version: "1.3"}. */
        TLS_1_3_ONLY("TLSv1.3"),
        /** {@code max_version: "1.2"}. */
        TLS_1_2_ONLY("TLSv1.2");

        private final java.util.Set<String> protocols;

        TlsVersions(String... protocols) {
            this.protocols = java.util.Set.of(protocols);
        }

        /** The JSSE names of the versions ("TLSv1.2", "TLSv1.3"). */
        public java.util.Set<String> protocols() {
            return protocols;
        }
    }

    /**
     * {@code server_certificate} and {@code server_private_key}, as the PEM text the policy gave. The certificate chain
     * was read and its validity dates checked when the policy compiled; the key, whether it matches, and whether the
     * certificate names the endpoint are the edge's to check (it reads every key format), at bind.
     *
     * @param chainPem the leaf first, then any intermediates
     * @param keyPem   the leaf's private key
     */
    public record ServerCertificate(String chainPem, String keyPem) {
        @Override
        public String toString() {
            return "ServerCertificate[key HIDDEN]";
        }
    }

    /** A refusal pointing at the action. */
    public PolicyException problem(String what) {
        return new PolicyException(source, line, column, "terminate-tls: " + what);
    }
}

package dev.burrow.policy;

/**
 * What a policy may know about a public connection: {@code clientIp} is the socket peer, or the address a trusted
 * PROXY-protocol balancer gave, never a header. {@code tls} is null on plain connections. {@code endpoint} is the
 * endpoint the connection reached.
 */
public record ConnectionFacts(String clientIp, int clientPort, int serverPort, TlsFacts tls, EndpointFacts endpoint) {

    /** The TLS session of a connection the edge terminated; {@code client} null without a client certificate. */
    public record TlsFacts(String version, String cipherSuite, String serverName, ClientCertificate client) {
        public String clientCertificateSubject() {
            return client == null ? null : client.subject();
        }
    }

    /**
     * The verified client certificate of a mutual-TLS connection ({@code conn.tls.client.*}).
     *
     * @param serialNumber      lower-case hex
     * @param sha256Fingerprint lower-case hex of the SHA-256 of the certificate's DER
     */
    public record ClientCertificate(String subject, String subjectCommonName, String issuer, String issuerCommonName,
                                    String serialNumber, String sha256Fingerprint, java.util.List<String> sanDnsNames,
                                    java.util.List<String> sanEmailAddresses) {
    }

    /** The endpoint as policies see it ({@code endpoint.*}). */
    public record EndpointFacts(String id, String url, String protocol) {
    }
}

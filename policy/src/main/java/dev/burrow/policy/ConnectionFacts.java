package dev.burrow.policy;

/**
 * What a policy may know about a public connection: {@code clientIp} is the socket peer, or the address a trusted
 * PROXY-protocol balancer gave, never a header. {@code tls} is null on plain connections. {@code endpoint} is the
 * endpoint the connection reached.
 */
public record ConnectionFacts(String clientIp, int clientPort, int serverPort, TlsFacts tls, EndpointFacts endpoint) {

    /** The TLS session of a connection the edge terminated; {@code clientCertificateSubject} null without one. */
    public record TlsFacts(String version, String cipherSuite, String serverName, String clientCertificateSubject) {
    }

    /** The endpoint as policies see it ({@code endpoint.*}). */
    public record EndpointFacts(String id, String url, String protocol) {
    }
}

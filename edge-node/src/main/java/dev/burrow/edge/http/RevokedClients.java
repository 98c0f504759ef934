package dev.burrow.edge.http;

import java.security.cert.Certificate;

/**
 * Whether a connection's client certificate is listed in a CRL of the name it was opened for. The TLS handshake checks
 * this already, but a resumed TLS session checks no certificate: a session made before the CRL was given would let a
 * revoked visitor back in, so each new connection of a mutual-TLS server is looked up again (map lookups).
 */
@FunctionalInterface
public interface RevokedClients {
    RevokedClients NONE = (serverName, chain) -> false;

    /** Whether a certificate of {@code chain} (as the session holds it) is listed in a CRL of {@code serverName}'s. */
    boolean listed(String serverName, Certificate[] chain);
}

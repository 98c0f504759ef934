package dev.burrow.edge.http;

import java.security.cert.Certificate;

/**
 * Whether a new connection's client certificate fails the checks of the name it was opened for (its CAs, its CRLs).
 * The TLS handshake makes them already, but a resumed TLS session checks no certificate: one made for another name
 * (other CAs), or before a CRL was given, would be served, so each new connection of a mutual-TLS server is checked
 * again when it is accepted.
 */
@FunctionalInterface
public interface ClientCertificateRecheck {
    ClientCertificateRecheck NONE = (serverName, chain) -> false;

    /** Whether {@code chain} (as the connection's TLS session holds it) fails the checks of {@code serverName}. */
    boolean refuses(String serverName, Certificate[] chain);
}

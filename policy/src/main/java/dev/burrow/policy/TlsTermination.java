package dev.burrow.policy;

import dev.burrow.protocol.ClientCertificates;

/**
 * What a policy's {@code terminate-tls} action asks of the edge's TLS handshake. The handshake comes before any rule
 * runs, so this is fixed when the policy is compiled (the action's rule has no expressions, its config no
 * {@code ${}}); the edge reads it when it routes a connection by its SNI.
 *
 * @param clientCertificates the client certificates asked for (mutual TLS), or null: none
 * @param source             where the action is written, for refusals that only the edge can make (its protocol)
 */
public record TlsTermination(ClientCertificates clientCertificates, String source, int line, int column) {

    /** A refusal pointing at the action. */
    public PolicyException problem(String what) {
        return new PolicyException(source, line, column, "terminate-tls: " + what);
    }
}

package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;

import java.nio.file.Path;

/** The one-line "ERROR: ..." sentences the CLI prints for failures that end it. */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String forFailure(Throwable failure, Path edgeCa) {
        if (failure instanceof BurrowException e) {
            return switch (e.reason()) {
                case AUTH_FAILED -> e.getMessage() != null && e.getMessage().contains("authtoken")
                        ? e.getMessage()
                        : "the edge rejected the authtoken (" + e.getMessage() + "); check --authtoken or BURROW_AUTHTOKEN";
                case EDGE_UNTRUSTED -> untrusted(e.getMessage(), edgeCa);
                case BIND_FAILED -> "the edge refused the endpoint: " + e.getMessage();
                default -> e.getMessage();
            };
        }
        if (failure instanceof IllegalArgumentException) {
            return failure.getMessage();
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    private static String untrusted(String message, Path edgeCa) {
        if (message != null && message.contains("not issued for")) {
            return message + "; connect with a --server name the certificate carries (a dev edge's certificate names"
                    + " localhost, 127.0.0.1 and the node's --advertise-address)";
        }
        if (edgeCa == null) {
            return message + "; pass the edge's CA with --edge-ca <file> (a dev edge prints the path of its ca.pem at startup)";
        }
        return "the edge's TLS certificate is not signed by the CA in --edge-ca " + edgeCa
                + "; pass the CA of this edge (a dev edge prints the path of its ca.pem at startup)";
    }
}

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
                case AUTH_FAILED -> "the edge rejected the authtoken: " + e.getMessage();
                case EDGE_UNTRUSTED -> edgeCa == null
                        ? e.getMessage() + "; pass the edge's CA with --edge-ca <file> (a dev edge prints the path of its ca.pem at startup)"
                        : e.getMessage() + " by the CA in --edge-ca " + edgeCa
                        + "; pass the CA of this edge (a dev edge prints the path of its ca.pem at startup)";
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
}

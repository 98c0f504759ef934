package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.protocol.ErrorCode;

import java.nio.file.Path;

/** The one-line "ERROR: ..." sentences the CLI prints for failures that end it. */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String forFailure(Throwable failure, AgentSettings settings) {
        if (failure instanceof BurrowException e) {
            return switch (e.reason()) {
                case AUTH_FAILED -> refusedSession(e, settings.authtokenSource());
                case EDGE_UNTRUSTED -> untrusted(e.getMessage(), settings.edgeCa());
                case BIND_FAILED -> e.edgeCode() == ErrorCode.INVALID_TRAFFIC_POLICY ? e.getMessage()
                        : "the edge refused the endpoint: " + e.getMessage();
                default -> e.getMessage();
            };
        }
        return sentence(failure);
    }

    /** Any other failure: an argument's sentence whole, otherwise the first line of its message. */
    static String sentence(Throwable failure) {
        if (failure instanceof IllegalArgumentException) {
            return failure.getMessage();
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }

    /**
     * A refused login. Only a refusal of the token itself points at the token, and then at where it came from (the
     * flag, the variable or which file); a quota says what the account must change instead.
     */
    private static String refusedSession(BurrowException e, String tokenSource) {
        String message = e.getMessage() == null ? "no reason given" : e.getMessage();
        ErrorCode code = e.edgeCode();
        boolean aboutTheToken = code == null || code == ErrorCode.AUTH_FAILED || code == ErrorCode.NOT_AUTHENTICATED
                || code == ErrorCode.AUTH_REVOKED;
        if (!aboutTheToken) {
            return "the edge refused the session: " + message;
        }
        String sentence = message.replaceFirst(";\\s*check --authtoken\\s*$", "");
        if (!sentence.contains("authtoken")) {
            sentence = "the edge rejected the authtoken (" + sentence + ")";
        }
        return sentence + "; the authtoken came from " + tokenSource + ": check it there";
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

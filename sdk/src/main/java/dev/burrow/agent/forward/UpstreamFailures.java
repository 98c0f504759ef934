package dev.burrow.agent.forward;

import dev.burrow.protocol.ErrorCode;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Maps a failure to reach or talk to an upstream to the code and sentence sent to the edge in a RESET. */
public final class UpstreamFailures {

    /** A code with a sentence naming the upstream address. */
    public record Failure(ErrorCode code, String message) {
    }

    private UpstreamFailures() {
    }

    public static Failure classify(Throwable failure, String upstreamAddress) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String type = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (type.equals("ConnectTimeoutException") || (t instanceof ConnectException && message.contains("timed out"))) {
                return new Failure(ErrorCode.UPSTREAM_TIMEOUT, "connection to upstream " + upstreamAddress + " timed out");
            }
            if (t instanceof ConnectException) {
                return new Failure(ErrorCode.UPSTREAM_UNREACHABLE, message.contains("refused")
                        ? "connection refused by upstream " + upstreamAddress
                        : "cannot connect to upstream " + upstreamAddress + ": " + t.getMessage());
            }
            if (t instanceof UnknownHostException) {
                return new Failure(ErrorCode.UPSTREAM_UNREACHABLE, "cannot resolve the host of upstream " + upstreamAddress);
            }
            if (t instanceof NoRouteToHostException) {
                return new Failure(ErrorCode.UPSTREAM_UNREACHABLE, "no route to upstream " + upstreamAddress);
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException || type.equals("SSLHandshakeException")) {
                return new Failure(ErrorCode.UPSTREAM_ERROR, "TLS handshake with upstream " + upstreamAddress + " failed ("
                        + t.getMessage() + "); for a private CA or a self-signed certificate start the agent with "
                        + "--upstream-tls-verify-cas FILE, or --upstream-tls-verify=false to skip the check");
            }
            if (type.contains("Timeout")) {
                return new Failure(ErrorCode.UPSTREAM_TIMEOUT, "upstream " + upstreamAddress + " did not answer in time");
            }
        }
        return new Failure(ErrorCode.UPSTREAM_ERROR, "upstream " + upstreamAddress + " failed: " + failure.getMessage());
    }
}

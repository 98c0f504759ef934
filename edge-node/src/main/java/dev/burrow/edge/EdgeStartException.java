package dev.burrow.edge;

import java.util.Locale;

/** The edge node could not start; the message is one sentence a user can act on. */
public final class EdgeStartException extends RuntimeException {
    public EdgeStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A listener could not bind {@code address:port}; says why in plain words and which {@code flag} to change. */
    static EdgeStartException cannotListen(String what, String address, int port, String flag, Throwable error) {
        String reason = String.valueOf(error.getMessage());
        if (reason.toLowerCase(Locale.ROOT).contains("address already in use")) {
            reason = "the port is already in use";
        } else if (reason.toLowerCase(Locale.ROOT).contains("permission denied")) {
            reason = "permission denied (ports below 1024 need privileges)";
        }
        return new EdgeStartException("cannot listen for " + what + " on " + address + ":" + port + ": "
                + reason + "; choose another " + flag + " (0 picks a free port)", error);
    }
}

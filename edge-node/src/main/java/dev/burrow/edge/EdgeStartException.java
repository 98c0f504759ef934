package dev.burrow.edge;

/** The edge node could not start; the message is one sentence a user can act on. */
public final class EdgeStartException extends RuntimeException {
    public EdgeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.burrow.mux;

/** Which end of a link this multiplexer is; it decides the parity of the stream ids it allocates. */
public enum LinkRole {
    /** The end that dialed the TCP connection (the agent, or the relaying node); opens odd stream ids. */
    DIALER,
    /** The end that accepted the TCP connection (the edge); opens even stream ids. */
    ACCEPTOR
}

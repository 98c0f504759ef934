package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;

/**
 * Why a link ended. {@code byPeer} is true when the peer sent GO_AWAY/closed the socket, false when this
 * side closed it (protocol violation by the peer, heartbeat timeout, local shutdown).
 */
public record LinkClosed(ErrorCode code, String message, boolean byPeer) {
    @Override
    public String toString() {
        return code + ": " + message + (byPeer ? " (by peer)" : "");
    }
}

package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.HttpRequestHead;

/** Starts the observation of one forwarded exchange, whichever client carries it. */
final class ObservedExchanges {
    private ObservedExchanges() {
    }

    /** What watches this exchange (its request head and the edge's policy trail already shown); never null. */
    static ExchangeObserver.Exchange begin(ExchangeObserver observer, TunnelConnection connection) {
        if (observer == null) {
            return ExchangeObserver.IGNORED;
        }
        HttpRequestHead head = connection.requestHead();
        ExchangeObserver.Exchange observed = observer.begin(connection.clientAddress(), head.method(), head.uri(), head.headers());
        observed.policyTrail(connection.policyTrail());
        return observed;
    }
}

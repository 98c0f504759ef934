package dev.burrow.policy;

import io.vertx.core.Future;

/** The empty policy: no allocation per exchange beyond what the caller already made. */
final class NoPolicy implements TrafficPolicy, PolicyExchange {
    static final NoPolicy INSTANCE = new NoPolicy();
    private static final Future<Verdict> PROCEED = Future.succeededFuture(Verdict.PROCEED);

    private NoPolicy() {
    }

    @Override
    public boolean isEmpty() {
        return true;
    }

    @Override
    public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
        return PROCEED;
    }

    @Override
    public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request) {
        return this;
    }

    @Override
    public Future<Verdict> onRequest() {
        return PROCEED;
    }
}

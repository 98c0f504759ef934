package dev.burrow.edge.cluster;

import dev.burrow.edge.relay.Pump;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamResetException;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Context;
import dev.burrow.edge.relay.Contexts;

/**
 * Joins two streams of two links (a relay link and an agent link) into one: bytes both ways with backpressure
 * ({@link Pump}, across the two event loops), half-closes, the response head and trailers passed on, and a reset of either
 * side reset on the other with the same code and sentence. Datagrams (UDP streams) pass both ways as they come; one the
 * other link cannot queue is dropped there and counted by that link.
 */
final class StreamSplice {
    private StreamSplice() {
    }

    static void join(MuxStream relay, Context relayContext, MuxStream agent, Context agentContext) {
        agent.headersHandler(relay::writeHeaders);
        relay.datagramHandler(agent::writeDatagram);
        agent.datagramHandler(relay::writeDatagram);
        relay.exceptionHandler(error -> agent.reset(codeOf(error), error.getMessage()));
        agent.exceptionHandler(error -> relay.reset(codeOf(error), error.getMessage()));
        Contexts.run(relayContext, () -> Pump.start(relay, relayContext, agent, agentContext, () -> agent.end(relay.trailers())));
        Contexts.run(agentContext, () -> Pump.start(agent, agentContext, relay, relayContext, () -> relay.end(agent.trailers())));
    }

    static ErrorCode codeOf(Throwable error) {
        return error instanceof StreamResetException reset ? reset.code() : ErrorCode.INTERNAL_ERROR;
    }
}

package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowException.Reason;
import dev.burrow.protocol.ControlMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/**
 * Endpoints a session was asked for and has bound on no link yet. Each waits for a link that takes its first BIND: a
 * temporary refusal (a node in its cluster's minority, ...) or a lost link leaves it waiting for the next link, a
 * permanent refusal fails it. Confined to the session's context.
 */
final class PendingBinds {
    /**
     * What the session does with an endpoint the edge bound: makes it, records it on the link, publishes it, binds it
     * on its other links; completes (never fails) once that is done.
     */
    interface Adopter {
        Future<ListenerEndpoint> adopt(EdgeLink link, EndpointSpec spec, ControlMessage.BindResult result);
    }

    /** One endpoint asked for; {@code sending} while a BIND for it awaits its answer. */
    private static final class Pending {
        final EndpointSpec spec;
        final Promise<ListenerEndpoint> bound = Promise.promise();
        boolean sending;

        Pending(EndpointSpec spec) {
            this.spec = spec;
        }
    }

    private final List<Pending> unbound = new ArrayList<>();
    private final Adopter adopter;

    PendingBinds(Adopter adopter) {
        this.adopter = adopter;
    }

    /** Adds an endpoint to bind; the future completes once a link bound it, or fails on a permanent refusal. */
    Future<ListenerEndpoint> add(EndpointSpec spec) {
        Pending pending = new Pending(spec);
        unbound.add(pending);
        return pending.bound.future();
    }

    /**
     * Sends the first BIND of every pending endpoint (none already in flight) over {@code link}. Fails with the first
     * temporary refusal or the loss of the link (those endpoints stay pending); a permanent refusal fails only its
     * endpoint's future.
     */
    Future<Void> bindOn(EdgeLink link) {
        List<Future<Void>> binds = new ArrayList<>();
        for (Pending pending : List.copyOf(unbound)) {
            if (!pending.sending) {
                binds.add(firstBind(link, pending));
            }
        }
        return binds.isEmpty() ? Future.succeededFuture() : Future.all(binds).mapEmpty();
    }

    /** The endpoints asked for and not bound yet. */
    List<EndpointSpec> specs() {
        return unbound.stream().map(pending -> pending.spec).toList();
    }

    /** Fails every pending endpoint (the session closed). */
    void failAll(BurrowException cause) {
        List<Pending> pending = new ArrayList<>(unbound);
        unbound.clear();
        pending.forEach(bind -> bind.bound.tryFail(cause));
    }

    private Future<Void> firstBind(EdgeLink link, Pending pending) {
        pending.sending = true;
        return link.bind(pending.spec::firstBind).transform(ar -> {
            pending.sending = false;
            if (!unbound.contains(pending)) {
                return Future.succeededFuture(); // the session closed meanwhile
            }
            if (ar.failed()) {
                return Future.failedFuture(ar.cause());
            }
            ControlMessage.BindResult result = ar.result();
            if (!result.ok()) {
                String sentence = result.message() == null ? String.valueOf(result.errorCode()) : result.message();
                BurrowException refusal = new BurrowException(Reason.BIND_FAILED, result.errorCode(), sentence, null);
                if (refusal.isTemporaryRefusal()) {
                    return Future.failedFuture(refusal);
                }
                unbound.remove(pending);
                pending.bound.fail(refusal);
                return Future.succeededFuture();
            }
            unbound.remove(pending);
            adopter.adopt(link, pending.spec, result).onComplete(pending.bound);
            return Future.succeededFuture();
        });
    }
}

package dev.burrow.edge.tls.acme;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP-01 key authorizations of the orders in flight, by token, in a cluster map: the CA may reach any node's
 * HTTP port (the name's DNS points at all of them), and every node must answer what the issuing node published.
 */
public final class Http01Tokens {
    public static final String MAP = "burrow-acme-http01";
    /** A published answer outlives any order (which gives up after minutes) but not forever. */
    static final long TTL_SECONDS = 600;

    private final IMap<String, String> answers;

    public Http01Tokens(HazelcastInstance hazelcast) {
        this.answers = hazelcast.getMap(MAP);
    }

    /** Blocking (a cluster write): call it from a worker. */
    void publish(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization, TTL_SECONDS, TimeUnit.SECONDS);
    }

    void withdraw(String token) {
        answers.delete(token);
    }

    /** The key authorization for {@code token}, or null; never blocks the calling event loop. */
    public Future<String> answer(Vertx vertx, String token) {
        return Future.fromCompletionStage(answers.getAsync(token), vertx.getOrCreateContext());
    }
}

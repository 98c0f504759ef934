package dev.burrow.policy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.internal.VertxInternal;

import java.util.HashMap;
import java.util.Map;

/**
 * One outgoing HTTP client per Vert.x instance for what actions fetch (JWKS), closed with that instance and then
 * forgotten (a weak map would never forget it: the client refers to its instance). Without keep-alive: fetches are
 * minutes apart, and a pooled connection the server (or a reset of an earlier, refused fetch) is closing can be handed
 * to the next fetch, which then fails at once or waits out its timeout.
 */
final class SharedHttpClients {
    private static final Map<Vertx, HttpClient> CLIENTS = new HashMap<>();

    private SharedHttpClients() {
    }

    static synchronized HttpClient of(Vertx vertx) {
        return CLIENTS.computeIfAbsent(vertx, owner -> {
            if (owner instanceof VertxInternal internal) {
                internal.addCloseHook(completion -> {
                    forget(owner);
                    completion.succeed();
                });
            }
            return owner.createHttpClient(
                    new HttpClientOptions().setKeepAlive(false).setMaxRedirects(0).setName("burrow-policy-fetch"));
        });
    }

    private static synchronized void forget(Vertx owner) {
        CLIENTS.remove(owner);
    }
}

package dev.burrow.policy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.internal.VertxInternal;

import java.util.HashMap;
import java.util.Map;

/**
 * One outgoing HTTP client per Vert.x instance for what actions fetch (JWKS), closed with that instance and then
 * forgotten (a weak map would never forget it: the client refers to its instance).
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
                    new HttpClientOptions().setKeepAlive(true).setMaxRedirects(0).setName("burrow-policy-fetch"));
        });
    }

    private static synchronized void forget(Vertx owner) {
        CLIENTS.remove(owner);
    }
}

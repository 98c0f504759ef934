package dev.burrow.policy;

import io.vertx.core.Future;

import java.time.Duration;

/**
 * What the login actions ({@code openid-connect}, {@code oauth}) share across every node that serves an endpoint: the
 * keys that seal their cookies (so a cookie one node issued opens on every other, and rotation reaches them all) and
 * the login attempts already completed (so a callback is accepted once). The edge keeps both in the cluster;
 * {@link #inProcess()} keeps them in this process.
 */
public interface AuthSessionStore {

    /** The current keys, rotated when due. */
    Future<SessionKeys> keys();

    /** True the first time {@code id} is claimed within {@code ttl}, false every later time. */
    Future<Boolean> claimOnce(String id, Duration ttl);

    static AuthSessionStore inProcess() {
        return InProcessAuthSessionStore.SHARED;
    }
}

package dev.burrow.edge.registry;

import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalEndpointRegistryTest {
    private final LocalEndpointRegistry registry = new LocalEndpointRegistry();

    private static <T> T await(Future<T> future) {
        assertTrue(future.isComplete(), "local registry completes at once");
        if (future.failed()) {
            throw (RuntimeException) future.cause();
        }
        return future.result();
    }

    private static EndpointException failure(Future<?> future) {
        assertTrue(future.failed(), "expected a refusal");
        return assertInstanceOf(EndpointException.class, future.cause());
    }

    @Test
    void secondSessionCannotTakeAnOnlineHostname() {
        Endpoint first = await(registry.bind(EndpointClaim.http("app.localhost", "s1", "owner-a")));
        EndpointException error = failure(registry.bind(EndpointClaim.http("app.localhost", "s2", "owner-a")));
        assertEquals(ErrorCode.HOSTNAME_IN_USE, error.code());
        assertEquals("hostname app.localhost is already bound by another agent session", error.getMessage());
        assertEquals(first, await(registry.lookupHostname("app.localhost")));
    }

    @Test
    void offlineEndpointCanBeReboundBySameOwnerKeepingItsId() {
        Endpoint first = await(registry.bind(EndpointClaim.http("app.localhost", "s1", "owner-a")));
        await(registry.markOffline("s1"));
        assertEquals(EndpointState.OFFLINE, await(registry.lookupHostname("app.localhost")).state());

        EndpointException stranger = failure(registry.bind(EndpointClaim.http("app.localhost", "s3", "owner-b")));
        assertEquals(ErrorCode.HOSTNAME_IN_USE, stranger.code());

        Endpoint again = await(registry.bind(EndpointClaim.http("app.localhost", "s2", "owner-a")));
        assertEquals(first.id(), again.id());
        assertEquals("s2", again.sessionId());
        assertEquals(EndpointState.ONLINE, again.state());
        assertTrue(await(registry.removeOffline("s1")).isEmpty(), "it no longer belongs to the old session");
    }

    @Test
    void sameSessionRebindsItsOwnEndpoint() {
        Endpoint first = await(registry.bind(EndpointClaim.http("app.localhost", "s1", "owner-a")));
        await(registry.markOffline("s1"));
        Endpoint again = await(registry.bind(EndpointClaim.http("app.localhost", "s1", "owner-a")));
        assertEquals(first.id(), again.id());
        assertEquals(EndpointState.ONLINE, again.state());
    }

    @Test
    void removeOfflineDropsOnlyOfflineEndpointsOfThatSession() {
        await(registry.bind(EndpointClaim.http("a.localhost", "s1", "o")));
        await(registry.bind(EndpointClaim.tcp(20001, "s1", "o")));
        await(registry.bind(EndpointClaim.http("b.localhost", "s2", "o")));
        await(registry.markOffline("s1"));
        assertEquals(2, await(registry.removeOffline("s1")).size());
        assertNull(await(registry.lookupHostname("a.localhost")));
        assertNull(await(registry.lookupPort(20001)));
        assertEquals(1, await(registry.list()).size());
    }

    @Test
    void tcpPortsCollideLikeHostnames() {
        await(registry.bind(EndpointClaim.tcp(20001, "s1", "o")));
        EndpointException error = failure(registry.bind(EndpointClaim.tcp(20001, "s2", "other")));
        assertEquals(ErrorCode.PORT_UNAVAILABLE, error.code());
    }

    @Test
    void unbindOnlyByTheServingSession() {
        Endpoint endpoint = await(registry.bind(EndpointClaim.http("a.localhost", "s1", "o")));
        assertEquals(ErrorCode.ENDPOINT_NOT_FOUND, failure(registry.unbind(endpoint.id(), "s2")).code());
        await(registry.unbind(endpoint.id(), "s1"));
        assertNull(await(registry.lookupHostname("a.localhost")));
    }
}

package dev.burrow.agent;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint builder's binding is checked against its url before anything is sent to the edge. */
class EndpointBindingTest {

    @Test
    void anInternalBindingWithAPublicUrlFailsBeforeAnyBind() {
        // No session engine: a bind that got as far as the engine would throw a NullPointerException instead.
        Future<EndpointListener> listened = new HttpEndpointBuilder(null).url("api.example.com").binding("internal").listen();
        assertTrue(listened.failed());
        assertEquals(IllegalArgumentException.class, listened.cause().getClass());
        assertTrue(listened.cause().getMessage().startsWith("an endpoint with the internal binding needs a url that ends in .internal"),
                listened.cause().getMessage());
        Future<Forwarder> forwarded = new HttpEndpointBuilder(null).hostname("api.internal").binding("public")
                .forward("http://127.0.0.1:3000");
        assertTrue(forwarded.failed());
        assertTrue(forwarded.cause().getMessage().contains("is internal"), forwarded.cause().getMessage());
    }
}

package dev.burrow.edge.admin;

import dev.burrow.edge.tenancy.TenancyError;
import dev.burrow.edge.tenancy.TenancyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The claims of an already verified OpenID access token: a claim of the wrong type is a 401, never a 500 (review L5). */
class AdminAuthClaimsTest {
    private final Vertx vertx = Vertx.vertx();
    private final AdminAuth auth = new AdminAuth(vertx, "bootstrap-token", "https://idp.invalid", "burrow");

    @AfterEach
    void close() {
        vertx.close();
    }

    private static JsonObject valid() {
        return new JsonObject().put("aud", "burrow").put("sub", "ci").put("exp", System.currentTimeMillis() / 1000 + 600)
                .put("scope", "burrow:tenant:acme");
    }

    private static TenancyError refusal(Future<Caller> caller) {
        assertTrue(caller.failed(), "accepted: " + caller.result());
        return assertInstanceOf(TenancyException.class, caller.cause()).code();
    }

    @Test
    void wellFormedClaimsNameTheCaller() {
        Future<Caller> caller = auth.callerOf(valid());
        assertTrue(caller.succeeded(), String.valueOf(caller.cause()));
        assertTrue(auth.callerOf(valid().put("sub", new JsonObject())).succeeded());
        assertEquals(TenancyError.FORBIDDEN, refusal(auth.callerOf(valid().put("scope", "openid"))));
    }

    @Test
    void aClaimOfTheWrongTypeIsUnauthorized() {
        assertEquals(TenancyError.UNAUTHORIZED, refusal(auth.callerOf(valid().put("exp", "tomorrow"))));
        assertEquals(TenancyError.UNAUTHORIZED, refusal(auth.callerOf(valid().put("exp", new JsonObject()))));
        // Text claims of another type read as their JSON text: refused for what they grant (403), not a 500.
        assertEquals(TenancyError.FORBIDDEN, refusal(auth.callerOf(valid().put("scope", new JsonArray().add("burrow:admin")))));
    }
}

package dev.burrow.edge.admin;

import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.LinkRef;
import dev.burrow.edge.tenancy.CustomDomain;
import dev.burrow.edge.tenancy.LiveSession;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.edge.tenancy.Quotas;
import dev.burrow.edge.tenancy.Reservation;
import dev.burrow.edge.tenancy.Tenant;
import dev.burrow.edge.tenancy.TokenRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The admin API's JSON shapes, in one place. A token's secret appears only in the answer that created it. */
final class AdminJson {
    private AdminJson() {
    }

    static JsonObject tenant(Tenant t) {
        return new JsonObject().put("id", t.id()).put("name", t.name()).put("quotas", quotas(t.quotas()))
                .put("createdAt", time(t.createdAt()));
    }

    static JsonObject quotas(Quotas q) {
        return new JsonObject().put("maxEndpoints", q.maxEndpoints()).put("maxSessions", q.maxSessions())
                .put("maxRequestsPerSecond", q.maxRequestsPerSecond()).put("maxTcpPorts", q.maxTcpPorts());
    }

    /** Quotas from a request body ({@code null} fields keep {@code base}'s value). */
    static Quotas quotas(JsonObject json, Quotas base) {
        if (json == null) {
            return base;
        }
        return new Quotas(json.getInteger("maxEndpoints", base.maxEndpoints()), json.getInteger("maxSessions", base.maxSessions()),
                json.getInteger("maxRequestsPerSecond", base.maxRequestsPerSecond()), json.getInteger("maxTcpPorts", base.maxTcpPorts()));
    }

    static JsonObject token(TokenRecord t) {
        return new JsonObject().put("id", t.id()).put("tenantId", t.tenantId()).put("description", t.description())
                .put("scopes", new JsonArray(t.scopes())).put("createdAt", time(t.createdAt()))
                .put("revoked", t.revoked()).put("revokedAt", t.revoked() ? time(t.revokedAt()) : null);
    }

    static JsonObject reservation(Reservation r) {
        return new JsonObject().put("name", r.display()).put("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT))
                .put("tenantId", r.tenantId()).put("createdAt", time(r.createdAt()));
    }

    static JsonObject domain(CustomDomain d) {
        return new JsonObject().put("hostname", d.hostname()).put("tenantId", d.tenantId())
                .put("status", d.verified() ? "verified" : "pending")
                .put("txtRecord", new JsonObject().put("name", d.txtName()).put("value", d.challenge()))
                .put("createdAt", time(d.createdAt())).put("verifiedAt", d.verified() ? time(d.verifiedAt()) : null);
    }

    static JsonObject session(LiveSession s) {
        return new JsonObject().put("id", s.sessionId()).put("tenantId", s.tenantId()).put("tokenId", s.tokenId())
                .put("node", s.nodeId()).put("remoteAddress", s.remoteAddress()).put("since", time(s.since()));
    }

    static JsonObject endpoint(EndpointRecord r, Function<EndpointRecord, String> url) {
        return new JsonObject().put("id", r.id()).put("protocol", r.protocol().name().toLowerCase(java.util.Locale.ROOT))
                .put("hostname", r.hostname()).put("port", r.port() == 0 ? null : r.port())
                .put("url", url.apply(r)).put("tenantId", Principal.tenantOfOwnerKey(r.ownerKey()))
                .put("state", r.links().isEmpty() ? "offline" : "online").put("pooled", r.pooled())
                .put("sessions", new JsonArray(r.links().stream().map(LinkRef::sessionId).distinct().toList()));
    }

    static <T> JsonObject list(String field, List<T> items, Function<T, JsonObject> render) {
        return new JsonObject().put(field, new JsonArray(items.stream().map(render).toList()));
    }

    static JsonObject error(String code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}

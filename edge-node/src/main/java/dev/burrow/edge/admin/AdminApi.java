package dev.burrow.edge.admin;

import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import dev.burrow.edge.tenancy.DomainVerifier;
import dev.burrow.edge.tenancy.OperatorPolicyStore;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.edge.tenancy.Quotas;
import dev.burrow.edge.tenancy.ReservedNames;
import dev.burrow.edge.tenancy.TenancyError;
import dev.burrow.edge.tenancy.TenancyException;
import dev.burrow.edge.tenancy.TenantSessions;
import dev.burrow.edge.tenancy.TenantStore;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

/**
 * The admin REST API under {@code /api/v1} on the ops port: tenants, tokens (a created token's secret is in that
 * answer only), reservations, custom domains, live sessions and endpoints (list, kick). Administrators reach every
 * route; a tenant's operator only {@code /api/v1/tenants/ITS_ID/…} and not the routes marked admin-only. Errors are
 * {@code {"error":{"code":"STABLE_CODE","message":"a sentence"}}} with the code's HTTP status.
 */
public final class AdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    public static final String PREFIX = "/api/v1";
    private static final String CALLER = "burrow.caller";

    private final AdminAuth auth;
    private final TenantStore store;
    private final ReservedNames names;
    private final TenantSessions sessions;
    private final HazelcastEndpointRegistry registry;
    private final DomainVerifier verifier;
    private final Function<EndpointRecord, String> publicUrl;
    private OperatorPolicyStore operatorPolicies;
    private volatile java.util.function.Supplier<JsonObject> regions = () -> new JsonObject().put("regions", new io.vertx.core.json.JsonArray());

    public AdminApi(AdminAuth auth, TenantStore store, ReservedNames names, TenantSessions sessions, HazelcastEndpointRegistry registry,
                    DomainVerifier verifier, Function<EndpointRecord, String> publicUrl) {
        this.auth = auth;
        this.store = store;
        this.names = names;
        this.sessions = sessions;
        this.registry = registry;
        this.verifier = verifier;
        this.publicUrl = publicUrl;
    }

    /** The answer of {@code GET /api/v1/regions} (the region directory as this node sees it). */
    public AdminApi withRegions(java.util.function.Supplier<JsonObject> regions) {
        this.regions = regions;
        return this;
    }

    /** Serves {@code /api/v1/policy} and {@code /api/v1/tenants/ID/policy} (the operators' traffic policies). */
    public AdminApi withOperatorPolicies(OperatorPolicyStore policies) {
        this.operatorPolicies = policies;
        return this;
    }

    /** Adds the routes to the ops router. */
    public void mount(Router router) {
        router.route(PREFIX + "/*").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::authenticate);
        String t = PREFIX + "/tenants/:tenant";
        router.get(PREFIX + "/tenants").handler(this::listTenants);
        router.post(PREFIX + "/tenants").handler(adminOnly(this::createTenant));
        router.get(t).handler(tenantScoped(ctx -> reply(ctx, 200, store.requireTenant(tenant(ctx)).map(AdminJson::tenant))));
        router.patch(t).handler(adminOnly(this::updateTenant));
        router.delete(t).handler(adminOnly(this::deleteTenant));
        router.post(t + "/tokens").handler(tenantScoped(this::createToken));
        router.get(t + "/tokens").handler(tenantScoped(ctx -> reply(ctx, 200,
                store.tokens(tenant(ctx)).map(list -> AdminJson.list("tokens", list, AdminJson::token)))));
        router.delete(t + "/tokens/:token").handler(tenantScoped(this::revokeToken));
        router.post(t + "/reservations").handler(adminOnly(ctx -> reply(ctx, 201,
                names.reserve(tenant(ctx), body(ctx).getString("name")).map(AdminJson::reservation))));
        router.get(t + "/reservations").handler(tenantScoped(ctx -> reply(ctx, 200,
                names.reservations(tenant(ctx)).map(list -> AdminJson.list("reservations", list, AdminJson::reservation)))));
        router.delete(t + "/reservations/:name").handler(adminOnly(ctx -> reply(ctx, 200,
                names.unreserve(tenant(ctx), ctx.pathParam("name")).map(AdminJson::reservation))));
        router.post(t + "/domains").handler(tenantScoped(ctx -> reply(ctx, 201,
                names.addDomain(tenant(ctx), body(ctx).getString("hostname")).map(AdminJson::domain))));
        router.get(t + "/domains").handler(tenantScoped(ctx -> reply(ctx, 200,
                names.domains(tenant(ctx)).map(list -> AdminJson.list("domains", list, AdminJson::domain)))));
        router.post(t + "/domains/:hostname/verify").handler(tenantScoped(this::verifyDomain));
        router.delete(t + "/domains/:hostname").handler(tenantScoped(ctx -> reply(ctx, 200,
                names.removeDomain(tenant(ctx), ctx.pathParam("hostname")).map(AdminJson::domain))));
        router.get(t + "/sessions").handler(tenantScoped(ctx -> reply(ctx, 200,
                sessions.list(tenant(ctx)).map(list -> AdminJson.list("sessions", list, AdminJson::session)))));
        router.delete(t + "/sessions/:session").handler(tenantScoped(this::kickSession));
        router.get(t + "/endpoints").handler(tenantScoped(ctx -> reply(ctx, 200,
                endpointsOf(tenant(ctx)).map(list -> AdminJson.list("endpoints", list, r -> AdminJson.endpoint(r, publicUrl))))));
        router.delete(t + "/endpoints/:endpoint").handler(tenantScoped(this::kickEndpoint));
        router.get(PREFIX + "/sessions").handler(adminOnly(ctx -> reply(ctx, 200,
                sessions.list(null).map(list -> AdminJson.list("sessions", list, AdminJson::session)))));
        router.get(PREFIX + "/endpoints").handler(adminOnly(ctx -> reply(ctx, 200,
                registry.recordsOwnedBy(null).map(list -> AdminJson.list("endpoints", list, r -> AdminJson.endpoint(r, publicUrl))))));
        router.get(PREFIX + "/regions").handler(adminOnly(ctx -> reply(ctx, 200, Future.succeededFuture(regions.get()))));
        if (operatorPolicies != null) {
            new OperatorPolicyRoutes(operatorPolicies, this, store).mount(router, PREFIX, t);
        }
        router.route(PREFIX + "/*").failureHandler(ctx -> fail(ctx, ctx.failure() != null ? ctx.failure()
                : new TenancyException(TenancyError.INVALID_REQUEST, "the request was refused (HTTP " + ctx.statusCode() + ")")));
        router.route(PREFIX + "/*").last().handler(ctx -> fail(ctx, new TenancyException(TenancyError.NOT_FOUND,
                "no admin route " + ctx.request().method() + " " + ctx.request().path() + "; see docs/tenancy.md")));
    }

    private void authenticate(RoutingContext ctx) {
        auth.authenticate(ctx.request().getHeader("Authorization")).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, ar.cause());
            } else {
                ctx.put(CALLER, ar.result());
                ctx.next();
            }
        });
    }

    io.vertx.core.Handler<RoutingContext> adminOnly(io.vertx.core.Handler<RoutingContext> handler) {
        return ctx -> {
            Caller caller = ctx.get(CALLER);
            if (caller == null || !caller.admin()) {
                fail(ctx, new TenancyException(TenancyError.FORBIDDEN, "this route needs an administrator (scope " + AdminAuth.ADMIN_SCOPE + ")"));
                return;
            }
            try {
                handler.handle(ctx);
            } catch (TenancyException e) {
                fail(ctx, e);
            }
        };
    }

    io.vertx.core.Handler<RoutingContext> tenantScoped(io.vertx.core.Handler<RoutingContext> handler) {
        return ctx -> {
            Caller caller = ctx.get(CALLER);
            if (caller == null || !caller.mayAccess(ctx.pathParam("tenant"))) {
                fail(ctx, new TenancyException(TenancyError.FORBIDDEN, "this token may not act for tenant " + ctx.pathParam("tenant")));
                return;
            }
            try {
                handler.handle(ctx);
            } catch (TenancyException e) {
                fail(ctx, e);
            }
        };
    }

    private void listTenants(RoutingContext ctx) {
        Caller caller = ctx.get(CALLER);
        if (caller.admin()) {
            reply(ctx, 200, store.tenants().map(list -> AdminJson.list("tenants", list, AdminJson::tenant)));
        } else {
            reply(ctx, 200, store.requireTenant(caller.tenantId()).map(t -> AdminJson.list("tenants", List.of(t), AdminJson::tenant)));
        }
    }

    private void createTenant(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Quotas quotas = quotasOf(body, Quotas.UNLIMITED);
        reply(ctx, 201, store.createTenant(body.getString("id"), body.getString("name"), quotas).map(AdminJson::tenant)
                .onSuccess(t -> LOG.info("admin {}: created tenant {}", subject(ctx), t.getString("id"))));
    }

    private void updateTenant(RoutingContext ctx) {
        JsonObject body = body(ctx);
        reply(ctx, 200, store.requireTenant(tenant(ctx)).compose(existing -> store.updateTenant(existing.id(),
                body.getString("name"), body.containsKey("quotas") ? quotasOf(body, existing.quotas()) : null)).map(AdminJson::tenant));
    }

    private void deleteTenant(RoutingContext ctx) {
        String tenant = tenant(ctx);
        reply(ctx, 200, store.deleteTenant(tenant).compose(revoked -> names.releaseAll(tenant).map(revoked))
                .compose(revoked -> operatorPolicies == null ? Future.succeededFuture(revoked)
                        : operatorPolicies.delete(tenant).map(revoked).recover(none -> Future.succeededFuture(revoked))).map(revoked -> {
            sessions.kick(tenant, null, null, ErrorCode.AUTH_REVOKED, "the account was deleted");
            LOG.info("admin {}: deleted tenant {} ({} token(s) revoked)", subject(ctx), tenant, revoked.size());
            return new JsonObject().put("deleted", tenant).put("revokedTokens", new JsonArray(revoked));
        }));
    }

    private void createToken(RoutingContext ctx) {
        JsonObject body = body(ctx);
        List<String> scopes;
        try {
            JsonArray array = body.getJsonArray("scopes", new JsonArray());
            scopes = array.stream().map(String::valueOf).toList();
        } catch (ClassCastException e) {
            throw new TenancyException(TenancyError.INVALID_REQUEST, "\"scopes\" must be a list of strings such as [\"bind:*.acme.example.com\"]");
        }
        reply(ctx, 201, store.issueToken(tenant(ctx), body.getString("description"), scopes).map(issued -> {
            LOG.info("admin {}: issued token {} for tenant {}", subject(ctx), issued.record().id(), tenant(ctx));
            return AdminJson.token(issued.record()).put("token", issued.token().reveal())
                    .put("note", "the token is shown this once; store it now");
        }));
    }

    private void revokeToken(RoutingContext ctx) {
        String tokenId = ctx.pathParam("token");
        reply(ctx, 200, store.revokeToken(tenant(ctx), tokenId).map(record -> {
            sessions.kick(record.tenantId(), null, record.id(), ErrorCode.AUTH_REVOKED, "the session's authtoken was revoked");
            LOG.info("admin {}: revoked token {} of tenant {}", subject(ctx), record.id(), record.tenantId());
            return AdminJson.token(record);
        }));
    }

    private void verifyDomain(RoutingContext ctx) {
        reply(ctx, 200, names.domain(tenant(ctx), ctx.pathParam("hostname")).compose(domain -> domain.verified()
                ? Future.succeededFuture(domain)
                : verifier.verify(domain).compose(proven -> proven ? names.markVerified(domain)
                : Future.failedFuture(new TenancyException(TenancyError.DOMAIN_NOT_VERIFIED, "no TXT record "
                + domain.txtName() + " with the value " + domain.challenge() + " was found yet; publish it and retry")))).map(AdminJson::domain));
    }

    private void kickSession(RoutingContext ctx) {
        String tenant = tenant(ctx);
        String session = ctx.pathParam("session");
        reply(ctx, 200, sessions.list(tenant).compose(list -> {
            if (list.stream().noneMatch(s -> s.sessionId().equals(session))) {
                return Future.failedFuture(new TenancyException(TenancyError.SESSION_NOT_FOUND, "tenant " + tenant + " has no live session " + session));
            }
            sessions.kick(tenant, session, null, ErrorCode.SESSION_KICKED, "an administrator closed this session");
            LOG.info("admin {}: kicked session {} of tenant {}", subject(ctx), session, tenant);
            return Future.succeededFuture(new JsonObject().put("kicked", session));
        }));
    }

    private void kickEndpoint(RoutingContext ctx) {
        String tenant = tenant(ctx);
        String endpoint = ctx.pathParam("endpoint");
        reply(ctx, 200, endpointsOf(tenant).compose(list -> {
            EndpointRecord record = list.stream().filter(r -> r.id().equals(endpoint)).findFirst().orElse(null);
            if (record == null) {
                return Future.failedFuture(new TenancyException(TenancyError.NOT_FOUND, "tenant " + tenant + " has no endpoint " + endpoint));
            }
            List<String> served = record.links().stream().map(l -> l.sessionId()).distinct().toList();
            served.forEach(s -> sessions.kick(tenant, s, null, ErrorCode.SESSION_KICKED,
                    "an administrator closed the session serving " + record.toEndpoint().address()));
            return Future.succeededFuture(new JsonObject().put("kicked", endpoint).put("sessions", new JsonArray(served)));
        }));
    }

    private Future<List<EndpointRecord>> endpointsOf(String tenant) {
        return registry.recordsOwnedBy(null).map(all -> all.stream()
                .filter(r -> Principal.tenantOfOwnerKey(r.ownerKey()).equals(tenant)).toList());
    }

    private static Quotas quotasOf(JsonObject body, Quotas base) {
        try {
            return AdminJson.quotas(body.getJsonObject("quotas"), base);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new TenancyException(TenancyError.INVALID_REQUEST, "\"quotas\" must be an object of non-negative integers "
                    + "(maxEndpoints, maxSessions, maxRequestsPerSecond, maxTcpPorts; 0 = unlimited)");
        }
    }

    private static JsonObject body(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() == 0) {
            return new JsonObject();
        }
        try {
            JsonObject json = ctx.body().asJsonObject();
            return json == null ? new JsonObject() : json;
        } catch (DecodeException | ClassCastException e) {
            throw new TenancyException(TenancyError.INVALID_REQUEST, "the request body is not a JSON object");
        }
    }

    private static String tenant(RoutingContext ctx) {
        return ctx.pathParam("tenant");
    }

    static String subject(RoutingContext ctx) {
        Caller caller = ctx.get(CALLER);
        return caller == null ? "?" : caller.subject();
    }

    static void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
        result.onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, ar.cause());
            } else if (!ctx.response().ended()) {
                ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(ar.result().encode());
            }
        });
    }

    private static void fail(RoutingContext ctx, Throwable error) {
        if (ctx.response().ended()) {
            return;
        }
        String code;
        int status;
        String message;
        if (error instanceof TenancyException e) {
            code = e.code().name();
            status = e.code().status();
            message = e.getMessage();
        } else {
            LOG.error("admin API: {} {} failed", ctx.request().method(), ctx.request().path(), error);
            code = TenancyError.INTERNAL_ERROR.name();
            status = 500;
            message = "the edge failed to handle the request; see its log";
        }
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"burrow\"");
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(AdminJson.error(code, message).encode());
    }
}

package dev.burrow.edge.admin;

import dev.burrow.edge.tenancy.OperatorPolicy;
import dev.burrow.edge.tenancy.OperatorPolicyStore;
import dev.burrow.edge.tenancy.TenantStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' traffic policies: {@code /policy} (the cluster's) and {@code /tenants/ID/policy}. The body of a PUT is
 * the policy document itself (YAML or JSON, as an agent's {@code traffic_policy}); it is compiled before it is stored,
 * so a bad one is refused with {@code INVALID_REQUEST} and {@code line:col: what to fix}, and the policy in force stays.
 * Only administrators set or remove them (a tenant's own operators could otherwise lift what is forced on them); a
 * tenant's operator may read its tenant's.
 */
final class OperatorPolicyRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorPolicyRoutes.class);

    private final OperatorPolicyStore policies;
    private final AdminApi api;
    private final TenantStore tenants;

    OperatorPolicyRoutes(OperatorPolicyStore policies, AdminApi api, TenantStore tenants) {
        this.policies = policies;
        this.api = api;
        this.tenants = tenants;
    }

    void mount(Router router, String prefix, String tenantPath) {
        router.get(prefix + "/policy").handler(api.adminOnly(ctx -> AdminApi.reply(ctx, 200, policies.get(null).map(OperatorPolicyRoutes::json))));
        router.put(prefix + "/policy").handler(api.adminOnly(ctx -> set(ctx, null)));
        router.delete(prefix + "/policy").handler(api.adminOnly(ctx -> delete(ctx, null)));
        router.get(tenantPath + "/policy").handler(api.tenantScoped(ctx -> AdminApi.reply(ctx, 200,
                policies.get(ctx.pathParam("tenant")).map(OperatorPolicyRoutes::json))));
        router.put(tenantPath + "/policy").handler(api.adminOnly(ctx -> set(ctx, ctx.pathParam("tenant"))));
        router.delete(tenantPath + "/policy").handler(api.adminOnly(ctx -> delete(ctx, ctx.pathParam("tenant"))));
    }

    private void set(RoutingContext ctx, String tenant) {
        String document = ctx.body() == null ? null : ctx.body().asString();
        Future<?> exists = tenant == null ? Future.succeededFuture() : tenants.requireTenant(tenant);
        Future<JsonObject> stored = exists.compose(ok -> policies.set(tenant, document)).map(policy -> {
            LOG.info("admin {}: set the {} traffic policy", AdminApi.subject(ctx), scope(tenant));
            return json(policy);
        });
        AdminApi.reply(ctx, 200, stored);
    }

    private void delete(RoutingContext ctx, String tenant) {
        AdminApi.reply(ctx, 200, policies.delete(tenant).map(policy -> {
            LOG.info("admin {}: removed the {} traffic policy", AdminApi.subject(ctx), scope(tenant));
            return json(policy).put("deleted", true);
        }));
    }

    private static String scope(String tenant) {
        return tenant == null ? "cluster's" : "tenant " + tenant + "'s";
    }

    static JsonObject json(OperatorPolicy policy) {
        JsonObject json = new JsonObject().put("scope", policy.tenantId() == null ? "cluster" : "tenant");
        if (policy.tenantId() != null) {
            json.put("tenant", policy.tenantId());
        }
        return json.put("policy", policy.document()).put("updatedAt", policy.updatedAt());
    }
}

package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.CidrRange;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code restrict-ips}: the client address (the socket peer, or a trusted PROXY-protocol address; never a header such
 * as X-Forwarded-For) must not be in {@code deny} and, when {@code allow} is given, must be in it. A refused TCP
 * connection is closed; a refused HTTP request gets 403. With {@code enforce: false} it only records its decision.
 */
final class RestrictIpsAction implements Action {
    static final String TYPE = "restrict-ips";

    private final List<CidrRange> allow;
    private final List<CidrRange> deny;
    private final boolean enforce;
    private final Future<Verdict> refusal;

    private RestrictIpsAction(List<CidrRange> allow, List<CidrRange> deny, boolean enforce, Future<Verdict> refusal) {
        this.allow = allow;
        this.deny = deny;
        this.enforce = enforce;
        this.refusal = refusal;
    }

    static Action create(ActionConfig config) throws PolicyException {
        if (config.has("ip_policies")) {
            throw config.problem("ip_policies", "ngrok IP policies are not supported by Burrow; list CIDRs in allow/deny");
        }
        List<CidrRange> allow = ranges(config, "allow");
        List<CidrRange> deny = ranges(config, "deny");
        boolean enforce = config.bool("enforce", true);
        if (allow.isEmpty() && deny.isEmpty()) {
            throw config.problem("allow", "give at least one range in allow or deny");
        }
        config.finish();
        Future<Verdict> refusal = config.phase() == Phase.CONNECT
                ? Future.succeededFuture(new Verdict.Close(TYPE, "client address not allowed"))
                : Outcomes.plain(403, "403 Forbidden", TYPE, List.of());
        return new RestrictIpsAction(allow, deny, enforce, refusal);
    }

    private static List<CidrRange> ranges(ActionConfig config, String key) throws PolicyException {
        List<CidrRange> ranges = new ArrayList<>();
        for (DocumentNode item : config.items(key, false)) {
            CidrRange range = CidrRange.parse(String.valueOf(item.scalar()));
            if (range == null) {
                throw config.problem(item, key + ": '" + item.scalar() + "' is not an address range such as 192.0.2.0/24");
            }
            ranges.add(range);
        }
        return List.copyOf(ranges);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        byte[] client = context.clientAddress();
        boolean allowed = client != null && !matchesAny(deny, client) && (allow.isEmpty() || matchesAny(allow, client));
        context.publishActionResult("restrict_ips", Map.of("allowed", allowed));
        context.detail((allowed ? "allowed " : "refused ") + context.connection().clientIp());
        return allowed || !enforce ? Outcomes.PROCEED : refusal;
    }

    private static boolean matchesAny(List<CidrRange> ranges, byte[] address) {
        for (CidrRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String type() {
        return TYPE;
    }
}

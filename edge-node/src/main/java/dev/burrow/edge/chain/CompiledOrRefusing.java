package dev.burrow.edge.chain;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a policy another node accepted: one this node cannot compile (a different version mid-upgrade) is never
 * skipped, it becomes a policy that refuses every phase until the nodes agree.
 */
public final class CompiledOrRefusing {
    private static final Logger LOG = LoggerFactory.getLogger(CompiledOrRefusing.class);

    private CompiledOrRefusing() {
    }

    public static TrafficPolicy compile(PolicySource compiler, String document, String source) {
        return compile(compiler, document, source, source);
    }

    /** As {@link #compile(PolicySource, String, String)}; {@code governing} names, in the log, whose policy it is. */
    public static TrafficPolicy compile(PolicySource compiler, String document, String source, String governing) {
        try {
            return compiler.compile(document, source);
        } catch (PolicyException e) {
            LOG.warn("{} does not compile on this node ({}); refusing the traffic it governs", governing, e.getMessage());
            return new RefusingPolicy(e.getMessage());
        }
    }
}

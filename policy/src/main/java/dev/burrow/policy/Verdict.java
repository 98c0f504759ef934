package dev.burrow.policy;

import java.util.List;
import java.util.Map;

/** What a phase decided: go on, answer here, hand the exchange to an internal endpoint, or close the connection. */
public sealed interface Verdict {
    Verdict PROCEED = new Proceed();

    /** The traffic goes on (possibly edited). */
    record Proceed() implements Verdict {
    }

    /**
     * The edge answers the request itself (deny, custom-response, redirect, basic-auth's 401, rate-limit's 429, ...);
     * nothing reaches the agent. {@code action} names the action that decided, for logs and metrics.
     */
    record Respond(int status, List<Map.Entry<String, String>> headers, byte[] body, String action) implements Verdict {
        public Respond {
            headers = List.copyOf(headers);
            body = body == null ? new byte[0] : body;
        }
    }

    /**
     * The exchange goes to an internal endpoint of the same tenant instead of this endpoint's agent
     * ({@code forward-internal}); {@code url} is the rendered target, {@code https://NAME.internal[:PORT]}.
     */
    record ForwardInternal(String url, String action) implements Verdict {
    }

    /** The connection is closed without an answer (close-connection, restrict-ips on a TCP endpoint). */
    record Close(String action, String reason) implements Verdict {
    }
}

package dev.burrow.policy.actions;

import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Verdicts that actions share, built once where they can be. */
public final class Outcomes {
    public static final Future<Verdict> PROCEED = Future.succeededFuture(Verdict.PROCEED);

    private Outcomes() {
    }

    public static Future<Verdict> respond(int status, List<Map.Entry<String, String>> headers, String body, String action) {
        return Future.succeededFuture(new Verdict.Respond(status, headers, body.getBytes(StandardCharsets.UTF_8), action));
    }

    /** A short plain-text answer such as "403 Forbidden". */
    public static Future<Verdict> plain(int status, String body, String action, List<Map.Entry<String, String>> extra) {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(extra.size() + 1);
        headers.add(Map.entry("Content-Type", "text/plain; charset=utf-8"));
        headers.addAll(extra);
        return respond(status, headers, body + "\n", action);
    }
}

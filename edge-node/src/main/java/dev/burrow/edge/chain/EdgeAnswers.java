package dev.burrow.edge.chain;

import dev.burrow.edge.http.ErrorPages;
import dev.burrow.policy.Verdict;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Answers a module gives in the edge's own voice: the short HTML page of {@link ErrorPages}, as a verdict. */
final class EdgeAnswers {
    private EdgeAnswers() {
    }

    static Verdict.Respond page(int status, String title, String sentence, String action) {
        return new Verdict.Respond(status, List.of(
                Map.entry("Content-Type", "text/html; charset=utf-8"),
                Map.entry("Cache-Control", "no-store"),
                Map.entry("X-Burrow-Error", Integer.toString(status))),
                ErrorPages.html(title, sentence).getBytes(StandardCharsets.UTF_8), action);
    }
}

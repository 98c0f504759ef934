package dev.burrow.agent.forward;

import java.time.Duration;

/**
 * How long an HTTP exchange waits on its upstream.
 *
 * @param connect  TCP connect (and TLS handshake) bound
 * @param response from the end of the request to the upstream's response head (or its 101); past it the exchange is
 *                 aborted and the edge answers 504 naming the upstream
 */
public record UpstreamTimeouts(Duration connect, Duration response) {
    public static final Duration DEFAULT_RESPONSE = Duration.ofSeconds(60);

    /** The sentence sent to the edge when {@code upstream} did not answer within the response timeout. */
    String noAnswer(HttpUpstream upstream) {
        long millis = response.toMillis();
        return "upstream " + upstream.address() + " did not answer within " + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
    }
}

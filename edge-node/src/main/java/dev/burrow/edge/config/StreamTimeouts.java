package dev.burrow.edge.config;

import java.time.Duration;

/**
 * Bounds on how long the edge holds a public connection for a peer that stays silent.
 *
 * @param response how long an HTTP exchange waits for the agent's response head once the request was relayed
 *                 ({@code --response-timeout}); past it the client gets a 504. Agents bound their upstream's answer
 *                 themselves (their own {@code --response-timeout}, 60 s by default) and answer first, naming the
 *                 upstream; this bound is for an agent that says nothing, so keep it above theirs.
 * @param pipeIdle how long a TCP endpoint connection or an upgraded HTTP connection (WebSocket) may carry no byte
 *                 either way before both ends are closed ({@code --pipe-idle-timeout}); zero disables it
 * @param requestBodyIdle how long a public request body may send nothing before the exchange is given up
 *                 ({@code --http-body-idle-timeout}): 408 if no response started, the stream reset so the upstream
 *                 sees the request aborted, the connection closed; zero disables it
 */
public record StreamTimeouts(Duration response, Duration pipeIdle, Duration requestBodyIdle) {
    public static final Duration DEFAULT_RESPONSE = Duration.ofSeconds(90);
    public static final Duration DEFAULT_PIPE_IDLE = Duration.ofHours(1);
    /** As long as a keep-alive connection may idle between requests ({@code --http-idle-timeout}). */
    public static final Duration DEFAULT_REQUEST_BODY_IDLE = Duration.ofSeconds(60);

    public StreamTimeouts(Duration response, Duration pipeIdle) {
        this(response, pipeIdle, DEFAULT_REQUEST_BODY_IDLE);
    }

    public static StreamTimeouts defaults() {
        return new StreamTimeouts(DEFAULT_RESPONSE, DEFAULT_PIPE_IDLE, DEFAULT_REQUEST_BODY_IDLE);
    }

    /** Checks every bound; throws {@link ConfigException} naming the flag. */
    public StreamTimeouts validate() {
        if (response == null || response.toMillis() < 1) {
            throw new ConfigException("--response-timeout must be positive, e.g. 90s");
        }
        if (pipeIdle == null || pipeIdle.isNegative()) {
            throw new ConfigException("--pipe-idle-timeout must be zero (off) or positive, e.g. 1h");
        }
        if (requestBodyIdle == null || requestBodyIdle.isNegative()) {
            throw new ConfigException("--http-body-idle-timeout must be zero (off) or positive, e.g. 60s");
        }
        return this;
    }
}

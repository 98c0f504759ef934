package dev.burrow.edge.config;

import java.time.Duration;

/**
 * How long and how much the public HTTP listener gives a client before it closes the connection.
 *
 * @param headTimeout     {@code --http-head-timeout}: a request head must arrive whole within this, counted from the
 *                        connection's start for the first request and from its first byte for later ones (408); an
 *                        HTTP/2 connection gets it until its first stream ({@code Http2IdleTimeout})
 * @param idleTimeout     {@code --http-idle-timeout}: a keep-alive connection with nothing in flight is closed after
 *                        this long without a byte
 * @param maxHeaderFields {@code --http-max-header-fields}: more header fields than this get 431
 * @param tcpKeepAlive    {@code --tcp-keepalive}: idle time before TCP keep-alive probes on public connections
 *                        (then 3 probes 10 s apart); 0 turns keep-alive off
 */
public record PublicHttpLimits(Duration headTimeout, Duration idleTimeout, int maxHeaderFields, Duration tcpKeepAlive) {
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_HEADER_FIELDS = 100;
    public static final Duration DEFAULT_TCP_KEEPALIVE = Duration.ofSeconds(60);

    public static PublicHttpLimits defaults() {
        return new PublicHttpLimits(DEFAULT_HEAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_HEADER_FIELDS, DEFAULT_TCP_KEEPALIVE);
    }

    /** Throws {@link ConfigException} naming the setting that is out of range. */
    PublicHttpLimits validate() {
        positive(headTimeout, "--http-head-timeout");
        positive(idleTimeout, "--http-idle-timeout");
        if (maxHeaderFields < 1 || maxHeaderFields > 10_000) {
            throw new ConfigException("--http-max-header-fields must be 1-10000, not " + maxHeaderFields);
        }
        if (tcpKeepAlive.isNegative() || (!tcpKeepAlive.isZero() && tcpKeepAlive.toSeconds() < 1)) {
            throw new ConfigException("--tcp-keepalive must be at least 1s, or 0 to turn it off");
        }
        return this;
    }

    private static void positive(Duration value, String flag) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(flag + " must be longer than 0, such as 15s");
        }
    }
}

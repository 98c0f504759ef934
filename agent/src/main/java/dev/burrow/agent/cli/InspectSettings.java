package dev.burrow.agent.cli;

/**
 * What the inspector keeps: whether it captures at all, how many exchanges (oldest evicted first) and how many
 * bytes of each request and response body (the rest streams through uncopied).
 */
record InspectSettings(boolean enabled, int maxExchanges, int maxBodyBytes) {
    static final int DEFAULT_EXCHANGES = 100;
    static final int DEFAULT_BODY_BYTES = 64 * 1024;
}

package dev.burrow.agent.console;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What the live screen shows, updated by the agent as things happen; thread-safe. */
public final class ConsoleState {
    static final int LAST_REQUESTS = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final String version;
    private final ConnectionStats stats;
    private String status = "connecting";
    private String sessionId;
    private List<String> edges = List.of();
    private Supplier<Duration> latency = () -> null;
    private String webInterface;
    private final List<String> forwarding = new ArrayList<>();
    private final ArrayDeque<FinishedRequest> requests = new ArrayDeque<>();
    private String lastEvent;

    public ConsoleState(String version, ConnectionStats stats) {
        this.version = version;
        this.stats = stats;
    }

    public synchronized void status(String status) {
        this.status = status;
    }

    public synchronized void session(String sessionId, List<String> edges) {
        this.sessionId = sessionId;
        this.edges = List.copyOf(edges);
    }

    public synchronized void latency(Supplier<Duration> latency) {
        this.latency = latency;
    }

    public synchronized void webInterface(String url) {
        this.webInterface = url;
    }

    public synchronized void forwarding(String line) {
        forwarding.add(line);
    }

    /** A forwarding {@code line} given to {@link #forwarding} earlier ends. */
    public synchronized void stopped(String line) {
        forwarding.remove(line);
    }

    public synchronized void lastEvent(String line) {
        this.lastEvent = line;
    }

    /**
     * Adds a finished request to the list, newest first. Called once per request on the data path: the line is only
     * formatted when a frame is drawn (a {@code String.format} per request was ~5% of the agent's CPU under load).
     */
    public synchronized void request(LocalTime at, String method, String uri, int status, String reason) {
        requests.addFirst(new FinishedRequest(at, method, uri, status, reason));
        if (requests.size() > LAST_REQUESTS) {
            requests.removeLast();
        }
    }

    private record FinishedRequest(LocalTime at, String method, String uri, int status, String reason) {
        String line() {
            String outcome = status == 0 ? reason : status + (reason == null || reason.isEmpty() ? "" : " " + reason);
            return String.format("%s  %-7s %-40s %s", TIME.format(at), method, uri, outcome);
        }
    }

    public ConnectionStats stats() {
        return stats;
    }

    synchronized View view() {
        return new View(version, status, sessionId, edges, latency.get(), webInterface, List.copyOf(forwarding),
                requests.stream().map(FinishedRequest::line).toList(), lastEvent, stats.snapshot());
    }

    /** A consistent copy for one frame. */
    record View(String version, String status, String sessionId, List<String> edges, Duration latency, String webInterface,
                List<String> forwarding, List<String> requests, String lastEvent, ConnectionStats.Snapshot stats) {
    }
}

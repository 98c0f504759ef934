package dev.burrow.agent.cli;

import dev.burrow.digest.Sha256;
import dev.burrow.agent.Endpoint;
import dev.burrow.agent.console.EventLog;
import dev.burrow.agent.console.LogEvent;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Watches the file an endpoint's traffic policy came from ({@code --traffic-policy-file}, or the config file's
 * {@code traffic_policy:}) and sends the edge the new document when the file changes: its modification time and size
 * are read every {@link #INTERVAL} on a worker thread, and only when they moved is the file read and its SHA-256
 * compared with the last one applied. A document the edge refuses is logged with its {@code file:line:col}, and the old
 * policy stays in force until the file changes again. Owns its timer; {@link #stop()} cancels it.
 */
final class PolicyFileWatch {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final PolicyFileWatch NONE = new PolicyFileWatch(null, null, null, null, null);

    private final Vertx vertx;
    private final Endpoint endpoint;
    private final EventLog log;
    private volatile TrafficPolicyFile current;
    private volatile byte[] appliedDigest;
    /** Modification time and size at the last look; null before the first (taken on a worker, like every read). */
    private volatile String stamp;
    private volatile boolean checking;
    private long timer = -1;

    private PolicyFileWatch(Vertx vertx, TrafficPolicyFile policy, Endpoint endpoint, EventLog log, byte[] digest) {
        this.vertx = vertx;
        this.current = policy;
        this.endpoint = endpoint;
        this.log = log;
        this.appliedDigest = digest;
    }

    /** Watches {@code policy}'s file for {@code endpoint}; {@link #NONE} when the policy comes from no file. */
    static PolicyFileWatch start(Vertx vertx, TrafficPolicyFile policy, Endpoint endpoint, EventLog log) {
        Path file = policy.watchedFile();
        if (vertx == null || file == null) {
            return NONE;
        }
        PolicyFileWatch watch = new PolicyFileWatch(vertx, policy, endpoint, log, digest(policy.document()));
        watch.timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> watch.check());
        return watch;
    }

    void stop() {
        if (vertx != null && timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void check() {
        if (checking) {
            return;
        }
        checking = true;
        Path file = current.watchedFile();
        vertx.executeBlocking(() -> changedPolicy(file), false).onComplete(ar -> {
            if (ar.failed()) {
                checking = false;
                report("Traffic policy of " + endpoint.publicUrl() + " not changed: " + ar.cause().getMessage(), null);
            } else if (ar.result() == null) {
                checking = false;
            } else {
                apply(ar.result());
            }
        });
    }

    /** Blocking: the file's policy when the file changed since the last look and differs from the one applied, else null. */
    private TrafficPolicyFile changedPolicy(Path file) {
        String now = stampOf(file);
        if (now.equals(stamp)) {
            return null;
        }
        stamp = now;
        TrafficPolicyFile fresh = current.reread();
        return Arrays.equals(digest(fresh.document()), appliedDigest) ? null : fresh;
    }

    private void apply(TrafficPolicyFile fresh) {
        String document;
        try {
            document = fresh.sent();
        } catch (TrafficPolicyFile.Refused refused) {
            checking = false;
            refusedWith(fresh, refused.getMessage());
            return;
        }
        endpoint.updateTrafficPolicy(document).onComplete(ar -> {
            checking = false;
            if (ar.succeeded()) {
                current = fresh;
                appliedDigest = digest(fresh.document());
                report("Traffic policy of " + endpoint.publicUrl() + " changed: " + fresh.watchedFile() + " was edited", "policy changed");
            } else {
                refusedWith(fresh, fresh.named(ar.cause()).getMessage());
            }
        });
    }

    private void refusedWith(TrafficPolicyFile fresh, String why) {
        // Not retried until the file changes again: the digest of the refused text counts as seen.
        appliedDigest = digest(fresh.document());
        report("Traffic policy of " + endpoint.publicUrl() + " NOT changed (the old one stays in force): " + why, null);
    }

    private void report(String line, String message) {
        if (log != null) {
            log.log(new LogEvent(message == null ? LogEvent.Level.WARN : LogEvent.Level.INFO, line,
                    message == null ? "policy refused" : message, Map.of("url", endpoint.publicUrl())));
        }
    }

    private static String stampOf(Path file) {
        try {
            return Files.getLastModifiedTime(file) + "/" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }

    private static byte[] digest(String document) {
        return Sha256.of(document == null ? "" : document);
    }
}

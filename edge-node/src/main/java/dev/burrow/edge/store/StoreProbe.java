package dev.burrow.edge.store;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;

/**
 * Whether the tenancy database answers, asked every {@link #INTERVAL} on a worker thread (a connection from the pool
 * and a validity check bounded by {@link #CHECK_TIMEOUT_SECONDS}); {@link #problem()} reads the last answer without
 * blocking. Logs once when the database stops answering and once when it is back. Owns its timer.
 */
public final class StoreProbe implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final int CHECK_TIMEOUT_SECONDS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(StoreProbe.class);

    private final Vertx vertx;
    private final DataSource dataSource;
    private final String description;
    private volatile String problem;
    private volatile boolean checking;
    private long timer = -1;

    public StoreProbe(Vertx vertx, DataSource dataSource, String description) {
        this.vertx = vertx;
        this.dataSource = dataSource;
        this.description = description;
    }

    public void start() {
        timer = vertx.setPeriodic(1, INTERVAL.toMillis(), id -> probe());
    }

    /** Null while the last check succeeded, else a sentence naming the store and the failure. */
    public String problem() {
        return problem;
    }

    private void probe() {
        if (checking) {
            return;
        }
        checking = true;
        vertx.executeBlocking(this::check, false).onComplete(ar -> {
            checking = false;
            String now = ar.succeeded() ? ar.result() : "the tenancy store " + description + " did not answer: " + ar.cause().getMessage();
            if (now != null && problem == null) {
                LOG.warn("{}", now);
            } else if (now == null && problem != null) {
                LOG.info("the tenancy store {} answers again", description);
            }
            problem = now;
        });
    }

    private String check() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(CHECK_TIMEOUT_SECONDS) ? null
                    : "the tenancy store " + description + " does not answer a validity check";
        } catch (Exception e) {
            return "the tenancy store " + description + " cannot be reached: " + Database.rootMessage(e);
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}

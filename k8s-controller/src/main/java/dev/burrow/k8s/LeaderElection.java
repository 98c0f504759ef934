package dev.burrow.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs {@code whileLeading} only while this replica holds the Lease: started when it becomes the leader, closed when it
 * stops being one (then it stands as a candidate again). Closing the election closes what runs and releases the Lease,
 * so the other replica takes over after one retry period instead of a whole lease duration.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final LeaseSettings lease;
    private final Supplier<? extends AutoCloseable> whileLeading;
    private AutoCloseable running;
    private CompletableFuture<?> election;
    private boolean closed;

    private LeaderElection(KubernetesClient client, LeaseSettings lease, Supplier<? extends AutoCloseable> whileLeading) {
        this.client = client;
        this.lease = lease;
        this.whileLeading = whileLeading;
    }

    public static LeaderElection start(KubernetesClient client, LeaseSettings lease, Supplier<? extends AutoCloseable> whileLeading) {
        LeaderElection election = new LeaderElection(client, lease, whileLeading);
        election.stand();
        return election;
    }

    private synchronized void stand() {
        if (closed) {
            return;
        }
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder().withName(lease.name())
                .withLock(new LeaseLock(lease.namespace(), lease.name(), lease.identity()))
                .withLeaseDuration(lease.leaseDuration()).withRenewDeadline(lease.renewDeadline())
                .withRetryPeriod(lease.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::stopLeading,
                        leader -> LOG.info("lease {}/{}: the leader is {}", lease.namespace(), lease.name(), leader)))
                .build()).build().start();
        // Standing again after a pause keeps a replica whose API server is gone from spinning.
        election.whenComplete((done, failure) -> CompletableFuture.runAsync(this::stand,
                CompletableFuture.delayedExecutor(lease.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)));
    }

    private synchronized void lead() {
        if (!closed && running == null) {
            LOG.info("lease {}/{}: {} leads", lease.namespace(), lease.name(), lease.identity());
            try {
                running = whileLeading.get();
            } catch (RuntimeException e) {
                // A leader that cannot serve gives the Lease up, so that the other replica (or this one, later) tries.
                LOG.warn("lease {}/{}: cannot start serving: {}", lease.namespace(), lease.name(), e.toString());
                election.cancel(true);
            }
        }
    }

    private synchronized void stopLeading() {
        if (running != null) {
            LOG.info("lease {}/{}: {} stops leading", lease.namespace(), lease.name(), lease.identity());
            try {
                running.close();
            } catch (Exception e) {
                LOG.warn("lease {}/{}: stopping: {}", lease.namespace(), lease.name(), e.toString());
            }
            running = null;
        }
    }

    /** Whether this replica leads now. */
    public synchronized boolean leading() {
        return running != null;
    }

    /** Stops what runs and releases the Lease. */
    @Override
    public void close() {
        CompletableFuture<?> current;
        synchronized (this) {
            closed = true;
            current = election;
        }
        if (current != null) {
            current.cancel(true);
        }
        stopLeading();
    }
}

package dev.burrow.edge.tls.acme;

import dev.burrow.edge.tls.CertifiedKey;
import dev.burrow.edge.tls.PublicCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measures, in a JVM of its own, the heap a node spends on the certificates its HTTPS port serves: {@code acme N}
 * loads N ACME certificates from the tenancy database through {@link AutomaticCertificates#start()} (as at a node's
 * start: into memory and into the cluster map); {@code dev N} has the dev CA issue N per-name certificates through
 * {@link PublicCertificates#ensureFor}. Heap in use is read after full collections (run it with
 * {@code -XX:+UseSerialGC}, whose {@code System.gc()} is a full, compacting collection) before, with the certificates,
 * and after dropping them. Prints one {@code RESULT} line of bytes per certificate.
 */
public final class HeldCertificatesHeap {
    private static final int GC_ROUNDS = 3;

    private HeldCertificatesHeap() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int count = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("burrow-certificate-heap-");
        Vertx vertx = Vertx.vertx();
        try (NodeCertificatesFixture node = new NodeCertificatesFixture(dir)) {
            if (kind.equals("acme")) {
                acme(vertx, node, count);
            } else {
                dev(vertx, node, count);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void acme(Vertx vertx, NodeCertificatesFixture node, int count) throws Exception {
        List<String> names = NodeCertificatesFixture.customDomains(count);
        node.storeCertificates(names, "t1");
        long before = usedAfterGc();
        long started = System.nanoTime();
        AutomaticCertificates automatic = node.automatic(vertx, new SimpleMeterRegistry());
        automatic.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        long loadMillis = (System.nanoTime() - started) / 1_000_000;
        long loaded = usedAfterGc();
        int served = 0;
        for (String name : names) {
            served += automatic.certificateFor(name) != null ? 1 : 0;
        }
        automatic.close();
        automatic = null;
        long withoutHeld = usedAfterGc();
        node.hazelcast.getMap(AutomaticCertificates.CERTIFICATES_MAP).clear();
        long withoutClusterCopy = usedAfterGc();
        System.out.printf("RESULT acme count=%d served=%d loadMillis=%d total=%d held=%d clusterCopy=%d%n", count, served, loadMillis,
                (loaded - before) / count, (loaded - withoutHeld) / count, (withoutHeld - withoutClusterCopy) / count);
    }

    private static void dev(Vertx vertx, NodeCertificatesFixture node, int count) throws Exception {
        PublicCertificates certificates = node.publicCertificates();
        // Class loading and the signer's first use are not the certificates' heap.
        await(vertx, certificates, List.of("warm-0.localhost", "warm-1.localhost"));
        certificates.forget("warm-0.localhost");
        certificates.forget("warm-1.localhost");
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add("name-" + i + ".localhost");
        }
        long before = usedAfterGc();
        long started = System.nanoTime();
        await(vertx, certificates, names);
        long issueMillis = (System.nanoTime() - started) / 1_000_000;
        long loaded = usedAfterGc();
        int served = 0;
        for (String name : names) {
            CertifiedKey selected = certificates.select(name);
            served += selected.names().contains(name) ? 1 : 0;
        }
        names.forEach(certificates::forget);
        long dropped = usedAfterGc();
        System.out.printf("RESULT dev count=%d served=%d issueMillis=%d total=%d held=%d%n", count, served, issueMillis,
                (loaded - before) / count, (loaded - dropped) / count);
    }

    /** Issues in batches, so the worker pool is busy but the queue stays short. */
    private static void await(Vertx vertx, PublicCertificates certificates, List<String> names) throws Exception {
        for (int from = 0; from < names.size(); from += 64) {
            List<Future<Void>> batch = new ArrayList<>();
            for (String name : names.subList(from, Math.min(names.size(), from + 64))) {
                batch.add(certificates.ensureFor(vertx, name));
            }
            Future.all(batch).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

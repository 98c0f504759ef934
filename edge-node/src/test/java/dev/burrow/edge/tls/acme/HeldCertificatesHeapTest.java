package dev.burrow.edge.tls.acme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap 1 000 certificates cost a node, each kind measured in a fresh JVM ({@link HeldCertificatesHeap}): ACME
 * certificates as loaded from the tenancy database, and the dev CA's per-name certificates. The bounds are about twice
 * what was measured (docs/https.md: 12.0-12.7 KiB and, at 10 000, 4.7-5.8 KiB), so that a change that multiplies the
 * cost fails here; 1 000 dev certificates (about 5 MiB) are near the noise of a few MiB, so only a gross change shows. Only
 * the growth from before to with the certificates counts: what a drop frees is blurred by the JDK's soft cache of parsed
 * certificates (up to 750, kept past a full collection).
 */
class HeldCertificatesHeapTest {
    private static final int COUNT = 1_000;
    private static final long ACME_MAX_BYTES_EACH = 24 * 1024;
    private static final long DEV_MAX_BYTES_EACH = 12 * 1024;
    /** A run took 331 s (ACME, niced, load average 26) and 61 s (dev): the measuring JVM's wall time at most. */
    private static final long MEASURE_SECONDS = 480;

    @TempDir
    Path dir;

    @Test
    void aThousandAcmeCertificatesLoadedFromTheDatabaseCostABoundedHeap() throws Exception {
        Map<String, Long> result = measure("acme");
        assertEquals(COUNT, result.get("served"), "every certificate served from memory: " + result);
        assertTrue(result.get("total") > 0 && result.get("total") <= ACME_MAX_BYTES_EACH, "bytes per certificate: " + result);
    }

    @Test
    void aThousandDevCertificatesCostABoundedHeap() throws Exception {
        Map<String, Long> result = measure("dev");
        assertEquals(COUNT, result.get("served"), "every certificate served from memory: " + result);
        assertTrue(result.get("total") > 0 && result.get("total") <= DEV_MAX_BYTES_EACH, "bytes per certificate: " + result);
    }

    private Map<String, Long> measure(String kind) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve(kind + ".log");
        Process process = new ProcessBuilder(List.of(java.toString(), "-XX:+UseSerialGC", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), HeldCertificatesHeap.class.getName(), kind, Integer.toString(COUNT)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            process.getOutputStream().close();
            boolean ended = process.waitFor(MEASURE_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, "the measuring JVM did not end within " + MEASURE_SECONDS + " s:\n" + output);
            String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line; exit " + process.exitValue() + "\n" + output));
            System.out.println(line);
            Map<String, Long> fields = new HashMap<>();
            for (String field : line.substring("RESULT ".length()).split(" ")) {
                String[] pair = field.split("=");
                if (!pair[0].equals(kind)) {
                    fields.put(pair[0], Long.parseLong(pair[1]));
                }
            }
            return fields;
        } finally {
            process.destroyForcibly();
        }
    }
}

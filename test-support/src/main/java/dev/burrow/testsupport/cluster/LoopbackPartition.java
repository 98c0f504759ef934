package dev.burrow.testsupport.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network split between loopback addresses, made with iptables (needs root and the iptables binary): every packet
 * from one address to another is dropped, in both directions. Only the given address pairs are touched, and
 * {@link #close()} deletes exactly the rules this object inserted (call it in a finally block, also on failure).
 */
public final class LoopbackPartition implements AutoCloseable {
    private final List<List<String>> inserted = new ArrayList<>();

    /** Why a split cannot be made here, or null when it can (root, iptables present and usable). */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "cutting traffic between loopback addresses needs root (iptables); running as " + System.getProperty("user.name");
        }
        String binary = iptables();
        if (binary == null) {
            return "iptables is not installed (apt-get install iptables; .ci/setup.d does it in CI)";
        }
        try {
            Result listing = run(List.of(binary, "-L", "INPUT", "-n"));
            return listing.code == 0 ? null : "iptables cannot list the INPUT chain here: " + listing.output.trim();
        } catch (IOException e) {
            return "iptables cannot run here: " + e.getMessage();
        }
    }

    /** Drops every packet between {@code a} and each of {@code others}, both ways. */
    public void cut(String a, List<String> others) {
        for (String b : others) {
            insert(a, b);
            insert(b, a);
        }
    }

    private void insert(String from, String to) {
        List<String> rule = List.of("INPUT", "-s", from, "-d", to, "-j", "DROP");
        List<String> command = new ArrayList<>(List.of(iptables(), "-I"));
        command.addAll(rule);
        try {
            Result result = run(command);
            if (result.code != 0) {
                throw new IllegalStateException("iptables " + String.join(" ", command) + " failed: " + result.output.trim());
            }
            inserted.add(rule);
        } catch (IOException e) {
            throw new IllegalStateException("iptables could not run: " + e.getMessage(), e);
        }
    }

    /** Deletes the rules this partition inserted (the split heals). Safe to call more than once. */
    public void heal() {
        List<String> failures = new ArrayList<>();
        for (List<String> rule : List.copyOf(inserted)) {
            List<String> command = new ArrayList<>(List.of(iptables(), "-D"));
            command.addAll(rule);
            try {
                Result result = run(command);
                if (result.code != 0) {
                    failures.add(String.join(" ", rule) + ": " + result.output.trim());
                }
            } catch (IOException e) {
                failures.add(String.join(" ", rule) + ": " + e.getMessage());
            }
            inserted.remove(rule);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not delete iptables rules " + failures);
        }
    }

    @Override
    public void close() {
        heal();
    }

    private static String iptables() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path candidate = Path.of(dir, "iptables");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}

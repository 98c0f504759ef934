package dev.burrow.edge.tls.acme;

import org.shredzone.acme4j.exception.AcmeException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The DNS hook as a program: {@code PROGRAM set|clear DOMAIN RECORD VALUE}, no shell in between, stdin empty, its
 * output (stdout and stderr together) kept in a temporary file whose last {@link #OUTPUT_TAIL_BYTES} go into the error
 * of a failed call. Exit status 0 is success. A call still running at the timeout is killed with every process it
 * started, and fails.
 */
final class CommandTxtRecordHook implements TxtRecordHook {
    static final int OUTPUT_TAIL_BYTES = 1_024;

    private final Path program;
    private final Duration timeout;

    CommandTxtRecordHook(Path program, Duration timeout) {
        this.program = program;
        this.timeout = timeout;
    }

    @Override
    public void call(String action, TxtRecord record) throws AcmeException, InterruptedException {
        String call = "the DNS hook " + program + " " + action + " " + record.name();
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("burrow-dns-hook-", ".out");
            process = new ProcessBuilder(List.of(program.toString(), action, record.domain(), record.name(), record.value()))
                    .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AcmeException(call + " did not finish within " + timeout.toMillis() + " ms and was killed"
                        + tail(output));
            }
            if (process.exitValue() != 0) {
                throw new AcmeException(call + " exited with status " + process.exitValue() + tail(output));
            }
        } catch (IOException e) {
            throw new AcmeException(call + " could not run: " + e.getMessage());
        } finally {
            if (process != null) {
                kill(process);
            }
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // A temporary file left behind is harmless.
                }
            }
        }
    }

    /** The program and whatever it started: a timed-out call must not leave a process behind. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    private static String tail(Path output) {
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - OUTPUT_TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text.replace('\n', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}

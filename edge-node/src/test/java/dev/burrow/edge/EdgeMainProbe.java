package dev.burrow.edge;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@link EdgeMain} in this JVM for a setting that must stop it before anything starts; captures stderr. */
public final class EdgeMainProbe {
    public record Result(int exitCode, List<String> stderrLines) {
    }

    private EdgeMainProbe() {
    }

    public static synchronized Result run(String... args) {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new EdgeMain()).execute(args);
        } finally {
            System.setErr(originalErr);
        }
        return new Result(code, err.toString(StandardCharsets.UTF_8).lines().toList());
    }
}

package dev.burrow.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK examples under examples/ (what docs/sdk.md shows) compile against the SDK as it is. */
class ExamplesCompileTest {

    @Test
    void everyExampleCompilesAgainstTheSdk(@TempDir Path out) throws IOException {
        Path examples = Path.of("..", "examples").toAbsolutePath().normalize();
        List<String> sources;
        try (Stream<Path> files = Files.list(examples)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        assertTrue(sources.size() >= 4, "examples found in " + examples + ": " + sources);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-cp", classPath, "-Xlint:all,-classfile", "-Werror"));
        args.addAll(sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int code = javac.run(null, messages, messages, args.toArray(String[]::new));
        assertEquals(0, code, messages.toString(StandardCharsets.UTF_8));
    }
}

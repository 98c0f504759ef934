package dev.burrow.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ngrok's internal binding in the config file ({@code bindings: [internal]}) and on the command line ({@code --binding}). */
class InternalBindingTest {

    @Test
    void aConfigFileEndpointWithTheInternalBindingNeedsADotInternalUrl(@TempDir Path dir) throws Exception {
        Path good = ConfigFileTest.write(dir, "good.yml", """
                version: 1
                endpoints:
                  - name: api
                    url: https://api.internal
                    bindings: [internal]
                    upstream: 3000
                """);
        assertEquals(0, ConfigFileTest.run("config", "check", "--config", good.toString()).code());
        Path bad = ConfigFileTest.write(dir, "bad.yml", """
                version: 1
                endpoints:
                  - name: api
                    url: api.localhost
                    bindings: [internal]
                    upstream: 3000
                  - name: db
                    url: tcp://:0
                    bindings: internal
                    upstream: 5432
                  - name: odd
                    url: odd.localhost
                    bindings: [private]
                    upstream: 3000
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(bad), true));
        List<String> lines = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("endpoint \"api\": bindings: an endpoint with the internal binding needs a url that ends in .internal"),
                lines.get(0));
        assertTrue(lines.get(1).contains("endpoint \"db\": only HTTP endpoints can have the internal binding"), lines.get(1));
        assertTrue(lines.get(2).contains("unknown binding \"private\": use public or internal"), lines.get(2));
    }

    @Test
    void theBindingFlagMustAgreeWithTheUrl() {
        ConfigFileTest.Result run = ConfigFileTest.run("http", "3000", "--url", "https://api.localhost", "--binding", "internal");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("invalid --binding: an endpoint with the internal binding needs a url that ends in .internal"), run.err());
        run = ConfigFileTest.run("http", "3000", "--url", "https://api.internal", "--binding", "public");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("is internal; use binding internal or another name"), run.err());
    }
}

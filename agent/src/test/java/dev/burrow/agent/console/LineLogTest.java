package dev.burrow.agent.console;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);

    @Test
    void termLogfmtAndJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", "web");
        fields.put("url", "http://demo.localhost:8080");
        fields.put("upstream", "http://localhost:3000");
        LogEvent event = LogEvent.info("Forwarding http://demo.localhost:8080 -> http://localhost:3000", "forwarding", fields);

        assertEquals("Forwarding http://demo.localhost:8080 -> http://localhost:3000\n", write("term", "info", event));
        assertEquals("t=2026-11-27T08:00:00Z lvl=info msg=forwarding name=web url=http://demo.localhost:8080 "
                + "upstream=http://localhost:3000\n", write("logfmt", "info", event));
        JsonObject json = new JsonObject(write("json", "info", event));
        assertEquals("2026-11-27T08:00:00Z", json.getString("t"));
        assertEquals("info", json.getString("lvl"));
        assertEquals("forwarding", json.getString("msg"));
        assertEquals("web", json.getString("name"));

        LogEvent quoted = LogEvent.info("x", "link lost", Map.of("detail", "said \"bye\" = gone"));
        assertEquals("t=2026-11-27T08:00:00Z lvl=info msg=\"link lost\" detail=\"said \\\"bye\\\" = gone\"\n", write("logfmt", "info", quoted));
    }

    @Test
    void levelsBelowTheThresholdAreDropped() {
        LogEvent debug = LogEvent.debug("GET /x 200 OK", "exchange", Map.of());
        assertEquals("", write("term", "info", debug));
        assertEquals("GET /x 200 OK\n", write("term", "debug", debug));
    }

    private static String write(String format, String level, LogEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new LineLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), format, level, CLOCK, false).log(event);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

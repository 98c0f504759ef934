package dev.burrow.policy;

import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * curl from a chosen loopback source address to an endpoint named by its Host, through an edge's plain HTTP port:
 * the body to stdout (digested by {@link ClientRun}), the response head to a file, the status and wire size parsed.
 */
record HostCurl(Path dir, String domain, int httpPort, Duration limit) {

    /** What one curl run gave: the status (0 when no answer came), the response headers. */
    record Reply(ClientRun run, int status, List<String> headers, long bytesOnTheWire) {
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : headers) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            return null;
        }
    }

    private static final Pattern RESULT = Pattern.compile("curl-result status=(\\d+) wire=(\\d+)");

    Reply get(String name, String source, String path, String... extra) throws IOException {
        Path head = Files.createTempFile(dir, "head-", ".txt");
        List<String> command = new ArrayList<>(List.of(Tools.require("curl").toString(), "-sS", "--interface", source,
                "-o", "-", "-D", head.toString(), "-H", "Host: " + name + "." + domain,
                "--max-time", Long.toString(limit.toSeconds()),
                "-w", "%{stderr}\\ncurl-result status=%{http_code} wire=%{size_download}\\n"));
        command.addAll(List.of(extra));
        command.add("http://127.0.0.1:" + httpPort + path);
        ClientRun run = ClientRun.run(command, limit.plusSeconds(10));
        Matcher m = RESULT.matcher(run.stderr());
        List<String> headers = Files.readAllLines(head, StandardCharsets.ISO_8859_1);
        Files.delete(head);
        return new Reply(run, m.find() ? Integer.parseInt(m.group(1)) : 0, headers, m.find(0) ? Long.parseLong(m.group(2)) : -1);
    }
}

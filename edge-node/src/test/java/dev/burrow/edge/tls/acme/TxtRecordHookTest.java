package dev.burrow.edge.tls.acme;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.exception.AcmeException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DNS hook's contract as a program and as a webhook: what it is given, and how a failure or a hang ends. */
class TxtRecordHookTest {
    private static final TxtRecordHook.TxtRecord RECORD = new TxtRecordHook.TxtRecord("example.com",
            "_acme-challenge.example.com.", "gfj9Xq-Rg85nM");

    @TempDir
    Path dir;
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theProgramIsGivenTheActionDomainRecordAndValueAsArguments() throws Exception {
        Path hook = script("echo \"$@\" >> " + dir.resolve("calls") + "\n");
        TxtRecordHook command = new CommandTxtRecordHook(hook, Duration.ofSeconds(10));
        command.set(RECORD);
        command.clear(RECORD);
        assertEquals(List.of("set example.com _acme-challenge.example.com. gfj9Xq-Rg85nM",
                "clear example.com _acme-challenge.example.com. gfj9Xq-Rg85nM"), Files.readAllLines(dir.resolve("calls")));
    }

    @Test
    void aProgramThatFailsIsAnErrorWithItsStatusAndOutput() throws IOException {
        Path hook = script("echo 'zone example.com not found' >&2\nexit 4\n");
        AcmeException error = assertThrows(AcmeException.class, () -> new CommandTxtRecordHook(hook, Duration.ofSeconds(10)).set(RECORD));
        assertTrue(error.getMessage().endsWith("set _acme-challenge.example.com. exited with status 4: zone example.com not found"),
                error.getMessage());
    }

    @Test
    void aProgramStillRunningAtTheTimeoutIsKilledWithItsChildren() throws IOException {
        Path hook = script("sleep 60 & echo $! > " + dir.resolve("child") + "\nwait\n");
        long started = System.nanoTime();
        AcmeException error = assertThrows(AcmeException.class, () -> new CommandTxtRecordHook(hook, Duration.ofMillis(500)).set(RECORD));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(error.getMessage().contains("did not finish within 500 ms and was killed"), error.getMessage());
        assertTrue(tookMillis < 5_000, "took " + tookMillis + " ms");
        long child = Long.parseLong(Files.readString(dir.resolve("child")).trim());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true), "the hook's child " + child + " still runs");
    }

    @Test
    void theWebhookIsPostedJsonAndA2xxIsSuccess() throws Exception {
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        URI url = serve(exchange -> {
            received.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            assertEquals("application/json", exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        TxtRecordHook webhook = new WebhookTxtRecordHook(url, Duration.ofSeconds(10));
        webhook.set(RECORD);
        webhook.clear(RECORD);
        assertEquals(List.of(
                new JsonObject().put("action", "set").put("domain", "example.com").put("record", "_acme-challenge.example.com.")
                        .put("value", "gfj9Xq-Rg85nM"),
                new JsonObject().put("action", "clear").put("domain", "example.com").put("record", "_acme-challenge.example.com.")
                        .put("value", "gfj9Xq-Rg85nM")), received);
    }

    @Test
    void aWebhookRefusalIsAnErrorWithItsStatusAndBodyAndTheSecretQueryIsNotInIt() throws IOException {
        URI url = serve(exchange -> {
            byte[] body = "no such zone".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(422, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        AcmeException error = assertThrows(AcmeException.class,
                () -> new WebhookTxtRecordHook(URI.create(url + "?token=s3cret"), Duration.ofSeconds(10)).set(RECORD));
        assertTrue(error.getMessage().endsWith("(set _acme-challenge.example.com.) answered 422: no such zone"), error.getMessage());
        assertTrue(!error.getMessage().contains("s3cret"), error.getMessage());
    }

    @Test
    void aWebhookThatNeverAnswersFailsAtTheTimeout() throws IOException {
        URI url = serve(exchange -> {
            // Reads the request and never answers.
            exchange.getRequestBody().readAllBytes();
        });
        long started = System.nanoTime();
        AcmeException error = assertThrows(AcmeException.class, () -> new WebhookTxtRecordHook(url, Duration.ofMillis(500)).set(RECORD));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(error.getMessage().endsWith("did not answer within 500 ms"), error.getMessage());
        assertTrue(tookMillis < 5_000, "took " + tookMillis + " ms");
    }

    private Path script(String body) throws IOException {
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        return hook;
    }

    private URI serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/dns", handler);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dns");
    }
}

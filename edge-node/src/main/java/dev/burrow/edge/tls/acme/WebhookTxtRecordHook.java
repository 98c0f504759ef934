package dev.burrow.edge.tls.acme;

import io.vertx.core.json.JsonObject;
import org.shredzone.acme4j.exception.AcmeException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The DNS hook as a webhook: {@code POST URL} with {@code {"action":"set"|"clear","domain":…,"record":…,"value":…}}
 * ({@code Content-Type: application/json}); any 2xx is success. The whole exchange, connection included, is bounded by
 * the timeout; the first {@link #BODY_IN_ERROR_CHARS} characters of a refusal's body go into the error.
 */
final class WebhookTxtRecordHook implements TxtRecordHook {
    static final int BODY_IN_ERROR_CHARS = 512;

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    WebhookTxtRecordHook(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void call(String action, TxtRecord record) throws AcmeException, InterruptedException {
        String call = "the DNS webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + " (" + action + " " + record.name() + ")";
        String body = new JsonObject().put("action", action).put("domain", record.domain()).put("record", record.name())
                .put("value", record.value()).encode();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        // sendAsync + a bounded get: the request timeout alone does not bound the connection's TLS handshake.
        java.util.concurrent.CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            response = exchange.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            exchange.cancel(true);
            throw new AcmeException(call + " did not answer within " + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new AcmeException(call + " did not answer within " + timeout.toMillis() + " ms");
            }
            throw new AcmeException(call + " failed: " + (cause instanceof IOException ? cause.toString() : String.valueOf(cause)));
        }
        if (response.statusCode() / 100 != 2) {
            String text = response.body() == null ? "" : response.body().strip();
            throw new AcmeException(call + " answered " + response.statusCode()
                    + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(text.length(), BODY_IN_ERROR_CHARS))));
        }
    }
}

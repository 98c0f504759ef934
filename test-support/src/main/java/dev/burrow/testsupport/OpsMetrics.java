package dev.burrow.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads an edge node's {@code /metrics} (Prometheus text) the way a scraper would. */
public final class OpsMetrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OpsMetrics() {
    }

    /**
     * The sum of the samples whose line starts with {@code series} (a metric name, or a name with the start of its
     * labels such as {@code burrow_udp_datagrams_dropped_total{reason="too_large"}), or -1 when none is listed.
     */
    public static double sum(EdgeProcess edge, String series) {
        String body;
        try {
            body = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + edge.bindAddress() + ":" + edge.opsPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError("GET /metrics of " + edge + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        double sum = 0;
        boolean found = false;
        String name = series.contains("{") ? series : series + " ";
        for (String line : body.split("\n")) {
            if (line.startsWith(name) || (!series.contains("{") && line.startsWith(series + "{"))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : -1;
    }
}

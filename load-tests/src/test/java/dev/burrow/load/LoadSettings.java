package dev.burrow.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The knobs every simulation reads, all from system properties ({@code -Dburrow.*}), validated once with a
 * message that names the property. load-tests/gatling.sh sets them; by hand:
 * {@code mvn -pl load-tests gatling:test -Dgatling.simulationClass=dev.burrow.load.TunnelHttpSimulation
 * -Dburrow.nodes=http://127.0.0.1:P1,http://127.0.0.2:P2 -Dburrow.host=load.localhost -Dburrow.body=FILE}.
 */
final class LoadSettings {

  /** Generous on purpose: a latency bound that fails on a busy 2-core CI machine is noise, not a signal. */
  static final int DEFAULT_P99_MS = 1_000;
  static final int DEFAULT_DURATION_S = 60;
  static final int DEFAULT_RATE = 200;
  static final int DEFAULT_WS_USERS = 50;
  static final int DEFAULT_WS_INTERVAL_MS = 200;
  static final int DEFAULT_RELAY_USERS = 16;
  static final int DEFAULT_WARMUP_S = 5;
  /** How long a WebSocket echo may take before the check fails. */
  static final Duration WS_ECHO_TIMEOUT = Duration.ofSeconds(5);

  private LoadSettings() {}

  /** {@code burrow.nodes}: public HTTP base URLs of the edge nodes, comma-separated. */
  static List<String> nodes() {
    List<String> nodes = Arrays.stream(required("burrow.nodes").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).map(LoadSettings::stripSlash).toList();
    for (String n : nodes) {
      if (!n.startsWith("http://")) {
        throw new IllegalArgumentException("burrow.nodes: '" + n + "' is not an http:// base URL");
      }
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("burrow.nodes: give at least one base URL, e.g. http://127.0.0.1:8080");
    }
    return nodes;
  }

  /** A single base URL, e.g. {@code burrow.sameNode}. */
  static String node(String property) {
    String url = stripSlash(required(property).trim());
    if (!url.startsWith("http://")) {
      throw new IllegalArgumentException(property + ": '" + url + "' is not an http:// base URL");
    }
    return url;
  }

  /** {@code burrow.host}: the tunnel's hostname, sent as the Host header (e.g. load.localhost). */
  static String host() {
    return required("burrow.host");
  }

  /** {@code burrow.wsHost}: hostname of the WebSocket echo tunnel. */
  static String wsHost() {
    return required("burrow.wsHost");
  }

  /** {@code burrow.path}: what to GET through the tunnel. */
  static String path() {
    String p = System.getProperty("burrow.path", "/index.html");
    if (!p.startsWith("/")) {
      throw new IllegalArgumentException("burrow.path: '" + p + "' must start with /");
    }
    return p;
  }

  /** {@code burrow.body}: a file holding the exact bytes the upstream serves at {@link #path()}. */
  static byte[] expectedBody() {
    Path file = Path.of(required("burrow.body"));
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("burrow.body: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static int positiveInt(String property, int defaultValue) {
    String raw = System.getProperty(property);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(property + ": expected a positive integer, got '" + raw + "'");
  }

  static Duration duration() {
    return Duration.ofSeconds(positiveInt("burrow.duration", DEFAULT_DURATION_S));
  }

  static int p99Millis() {
    return positiveInt("burrow.p99ms", DEFAULT_P99_MS);
  }

  /**
   * The many-endpoints tunnel names: {@code burrow.endpoints} (default given) hosts
   * {@code <burrow.endpointPrefix><i>.<burrow.domain>}, i = 1..n (prefix "ep-", domain "localhost" by default).
   */
  static List<String> endpointHosts(int defaultCount) {
    int n = positiveInt("burrow.endpoints", defaultCount);
    String prefix = System.getProperty("burrow.endpointPrefix", "ep-");
    String domain = System.getProperty("burrow.domain", "localhost");
    return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> prefix + i + "." + domain).toList();
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("system property " + property + " is required (see load-tests/gatling.sh)");
    }
    return v;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}

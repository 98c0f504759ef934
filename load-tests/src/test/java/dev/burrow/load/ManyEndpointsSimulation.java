package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.List;

/**
 * Many endpoints with light traffic each: {@code burrow.endpoints} tunnels named
 * {@code <burrow.endpointPrefix><i>.<burrow.domain>} (i from 1), all bound by one agent, requested in turn at a
 * total of {@code burrow.rate} req/s (open model) spread round-robin over {@code burrow.nodes}, for
 * {@code burrow.duration} seconds after a {@code burrow.warmup} s warm-up ("warm-up via node-N"). With 1 000
 * endpoints at 200 req/s each endpoint gets one request every 5 s, and every endpoint is requested once before
 * any twice. Each response: 200 and exactly the bytes of {@code burrow.body}. Assertions: no failed request,
 * global p99 below {@code burrow.p99ms}.
 */
public class ManyEndpointsSimulation extends Simulation {

  static final int DEFAULT_ENDPOINTS = 1_000;

  private final List<String> nodes = LoadSettings.nodes();
  private final List<String> hosts = LoadSettings.endpointHosts(DEFAULT_ENDPOINTS);
  private final String path = LoadSettings.path();
  private final byte[] expected = LoadSettings.expectedBody();
  private final int rate = LoadSettings.positiveInt("burrow.rate", LoadSettings.DEFAULT_RATE);
  private final Duration warmUp =
      Duration.ofSeconds(LoadSettings.positiveInt("burrow.warmup", LoadSettings.DEFAULT_WARMUP_S));

  {
    setUp(Scenarios.getManyHosts("warm-up", "warm-up", nodes, hosts, path, expected)
            .injectOpen(constantUsersPerSec(rate).during(warmUp))
            .andThen(Scenarios.getManyHosts("many endpoints", "GET", nodes, hosts, path, expected)
                .injectOpen(constantUsersPerSec(rate).during(LoadSettings.duration()))))
        .protocols(Scenarios.sharedPool())
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(LoadSettings.p99Millis()));
  }
}

package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP through one tunnel, spread round-robin over every node of the cluster (nodes without the agent's link
 * relay to the node that has it). Open model: a constant arrival rate ({@code burrow.rate} req/s) for
 * {@code burrow.duration} seconds, whatever the latency, after a warm-up at the same rate ({@code burrow.warmup}
 * seconds, requests named "warm-up via node-N") that lets the JVMs' JIT settle. Each response must be 200 with
 * exactly the bytes of {@code burrow.body}. Assertions: no failed request (warm-up included), and the p99 of each
 * node's measured requests ("GET via node-N") below {@code burrow.p99ms}.
 */
public class TunnelHttpSimulation extends Simulation {

  private final List<String> nodes = LoadSettings.nodes();
  private final String host = LoadSettings.host();
  private final String path = LoadSettings.path();
  private final byte[] expected = LoadSettings.expectedBody();
  private final int rate = LoadSettings.positiveInt("burrow.rate", LoadSettings.DEFAULT_RATE);

  // Not named `http`: a field of that name would shadow HttpDsl.http(...).
  private final HttpProtocolBuilder protocol = http
      .header("Host", host)
      .acceptHeader("*/*")
      .userAgentHeader("burrow-gatling")
      // A pool of keep-alive connections shared by all virtual users, as a reverse proxy or browser fleet
      // would have: the open model otherwise opens one TCP connection per request.
      .shareConnections()
      .disableCaching()
      .disableFollowRedirect();

  private final Duration warmUp =
      Duration.ofSeconds(LoadSettings.positiveInt("burrow.warmup", LoadSettings.DEFAULT_WARMUP_S));

  private ScenarioBuilder spread(String scenarioName, String requestPrefix) {
    return scenario(scenarioName)
        .feed(nodeFeeder(nodes).circular())
        .exec(http(requestPrefix + " via #{nodeName}")
            .get("#{nodeUrl}" + path)
            .check(status().is(200))
            .check(bodyBytes().is(expected)));
  }

  {
    List<Assertion> assertions = new ArrayList<>();
    assertions.add(global().failedRequests().count().is(0L));
    for (int i = 0; i < nodes.size(); i++) {
      assertions.add(details("GET via node-" + i).responseTime().percentile(99.0).lt(LoadSettings.p99Millis()));
    }
    setUp(spread("warm-up", "warm-up").injectOpen(constantUsersPerSec(rate).during(warmUp)).andThen(
            spread("HTTP through the tunnel, all nodes", "GET")
                .injectOpen(constantUsersPerSec(rate).during(LoadSettings.duration()))))
        .protocols(protocol)
        .assertions(assertions);
  }

  static io.gatling.javaapi.core.FeederBuilder<Object> nodeFeeder(List<String> nodes) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      records.add(Map.of("nodeName", "node-" + i, "nodeUrl", nodes.get(i)));
    }
    return io.gatling.javaapi.core.CoreDsl.listFeeder(records);
  }
}

package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.List;

/**
 * WebSockets held open through the tunnel: {@code burrow.wsUsers} connections, spread round-robin over every
 * node (opened over the first 2 s), each sending a numbered text message every {@code burrow.wsIntervalMs} ms
 * for {@code burrow.duration} seconds and checking that the echo is exactly that message, then closing.
 * The upstream is {@link WebSocketEchoUpstream} behind the tunnel {@code burrow.wsHost}.
 * Report names: "connect via node-N" (the upgrade), "echo via node-N" (send to matching echo), "close via node-N".
 * Assertions: no failed connect, echo or close; global p99 below {@code burrow.p99ms}.
 */
public class WebSocketSimulation extends Simulation {

  private static final Duration RAMP = Duration.ofSeconds(2);

  private final List<String> nodes = LoadSettings.nodes();
  private final String wsHost = LoadSettings.wsHost();
  private final int users = LoadSettings.positiveInt("burrow.wsUsers", LoadSettings.DEFAULT_WS_USERS);
  private final Duration interval =
      Duration.ofMillis(LoadSettings.positiveInt("burrow.wsIntervalMs", LoadSettings.DEFAULT_WS_INTERVAL_MS));
  private final Duration holdOpen = LoadSettings.duration();

  // Not named `http`: a field of that name would shadow HttpDsl.http(...).
  private final HttpProtocolBuilder protocol = http.userAgentHeader("burrow-gatling");

  private final ScenarioBuilder scenario = Scenarios.webSocketHeld(
      "WebSocket echo through the tunnel, all nodes", nodes, wsHost, holdOpen, interval);

  {
    setUp(scenario.injectOpen(rampUsers(users).during(RAMP)))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(LoadSettings.p99Millis()));
  }
}

package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The CI smoke: every profile at once, small, for {@code burrow.duration} seconds (20 in CI) after a
 * {@code burrow.warmup} s warm-up of the tunnel and of every one of the many endpoints (each requested once). In parallel: a closed-model ramp from 1
 * to {@code burrow.users} concurrent users over the cluster ("saturation via node-N"), {@code burrow.rate} req/s
 * over the {@code burrow.endpoints} tunnels ("endpoints via node-N"), and {@code burrow.wsUsers} WebSockets held
 * open for the whole run ("echo via node-N"). Every node of {@code burrow.nodes} serves each kind, so the relay
 * between nodes is on every path but node 0's. Assertions: no failed request (warm-up included), and the p99 of
 * each kind through each node ("saturation/endpoints/echo via node-N") below {@code burrow.p99ms}. One Gatling run instead of five keeps the CI step short on 2 cores.
 */
public class SmokeSimulation extends Simulation {

  private final List<String> nodes = LoadSettings.nodes();
  private final String host = LoadSettings.host();
  private final List<String> hosts = LoadSettings.endpointHosts(ManyEndpointsSimulation.DEFAULT_ENDPOINTS);
  private final String path = LoadSettings.path();
  private final byte[] expected = LoadSettings.expectedBody();
  private final Duration length = LoadSettings.duration();
  private final Duration warmUp =
      Duration.ofSeconds(LoadSettings.positiveInt("burrow.warmup", LoadSettings.DEFAULT_WARMUP_S));
  private final int users = LoadSettings.positiveInt("burrow.users", 8);
  private final int rate = LoadSettings.positiveInt("burrow.rate", 50);
  private final int wsUsers = LoadSettings.positiveInt("burrow.wsUsers", 20);
  private final Duration wsInterval =
      Duration.ofMillis(LoadSettings.positiveInt("burrow.wsIntervalMs", LoadSettings.DEFAULT_WS_INTERVAL_MS));

  /** No failed request (warm-up included); p99 of each kind of traffic through each node below the bound. */
  private List<Assertion> assertions() {
    List<Assertion> list = new ArrayList<>();
    list.add(global().failedRequests().count().is(0L));
    for (String kind : List.of("saturation", "endpoints", "echo")) {
      for (int i = 0; i < nodes.size(); i++) {
        list.add(details(kind + " via node-" + i).responseTime().percentile(99.0).lt(LoadSettings.p99Millis()));
      }
    }
    return list;
  }

  {
    setUp(Scenarios.getRoundRobin("warm-up", "warm-up", nodes, host, path, expected)
            .injectOpen(constantUsersPerSec(rate).during(warmUp)),
        // Every tunnel once during the warm-up: the first request of each pays for its upstream connection
        // (the agent keeps one client pool per endpoint), which is a cold start, not the steady state measured.
        Scenarios.getManyHosts("warm-up endpoints", "warm-up endpoints", nodes, hosts, path, expected)
            .injectOpen(constantUsersPerSec((double) hosts.size() / warmUp.toSeconds()).during(warmUp))
            .andThen(
                Scenarios.getRoundRobin("saturation", "saturation", nodes, host, path, expected)
                    .injectClosed(rampConcurrentUsers(1).to(users).during(length.dividedBy(2)),
                        constantConcurrentUsers(users).during(length.dividedBy(2))),
                Scenarios.getManyHosts("many endpoints", "endpoints", nodes, hosts, path, expected)
                    .injectOpen(constantUsersPerSec(rate).during(length)),
                Scenarios.webSocketHeld("websockets held", nodes, LoadSettings.wsHost(), length, wsInterval)
                    .injectOpen(rampUsers(wsUsers).during(Duration.ofSeconds(2)))))
        .protocols(Scenarios.sharedPool())
        .assertions(assertions());
  }
}

package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ramp to saturation: a closed model that raises the number of concurrent users (each sends its next GET as
 * soon as the last is answered) from 1 to {@code burrow.users} over {@code burrow.duration} seconds (requests
 * "ramp via node-N"), then holds that many for {@code burrow.hold} seconds (requests "GET via node-N": their
 * count over the hold is the saturated throughput). A closed model, because past saturation an open one only
 * grows a queue until requests time out; here throughput levels off and latency grows with the users.
 * Through one node ({@code burrow.nodes} = one URL) or spread round-robin over a cluster (several URLs).
 * Each response: 200 and exactly the bytes of {@code burrow.body}. Assertions: no failed request (ramp included),
 * p99 of the held phase through each node below {@code burrow.p99ms}.
 */
public class SaturationSimulation extends Simulation {

  static final int DEFAULT_USERS = 64;
  static final int DEFAULT_HOLD_S = 20;

  private final List<String> nodes = LoadSettings.nodes();
  private final String host = LoadSettings.host();
  private final String path = LoadSettings.path();
  private final byte[] expected = LoadSettings.expectedBody();
  private final int users = LoadSettings.positiveInt("burrow.users", DEFAULT_USERS);
  private final Duration hold = Duration.ofSeconds(LoadSettings.positiveInt("burrow.hold", DEFAULT_HOLD_S));

  private List<Assertion> assertions() {
    List<Assertion> list = new ArrayList<>();
    list.add(global().failedRequests().count().is(0L));
    for (int i = 0; i < nodes.size(); i++) {
      list.add(details("GET via node-" + i).responseTime().percentile(99.0).lt(LoadSettings.p99Millis()));
    }
    return list;
  }

  {
    setUp(Scenarios.getRoundRobin("ramp", "ramp", nodes, host, path, expected)
            .injectClosed(rampConcurrentUsers(1).to(users).during(LoadSettings.duration()))
            .andThen(Scenarios.getRoundRobin("saturated", "GET", nodes, host, path, expected)
                .injectClosed(constantConcurrentUsers(users).during(hold))))
        .protocols(Scenarios.sharedPool())
        .assertions(assertions());
  }
}

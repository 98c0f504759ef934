package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * The cost of the cross-node hop, in one run: the same closed-model load ({@code burrow.users} users, each
 * sending its next request as soon as the last one is answered) first to the node that holds the agent's link
 * ({@code burrow.sameNode}), then to a node that must relay it ({@code burrow.relayNode}), each for
 * {@code burrow.duration} seconds, after a warm-up of both paths ({@code burrow.warmup} s). The phases run one
 * after the other, so each gets the whole machine. Group names in the report: {@value #WARM_UP},
 * {@value #SAME_NODE}, {@value #RELAY_HOP}; gatling.sh divides the relay figures by the same-node ones.
 * Assertions: no failed request, p99 of each path below {@code burrow.p99ms}.
 */
public class RelayHopSimulation extends Simulation {

  static final String WARM_UP = "warm-up";
  static final String SAME_NODE = "same-node";
  static final String RELAY_HOP = "relay-hop";

  private final String sameNode = LoadSettings.node("burrow.sameNode");
  private final String relayNode = LoadSettings.node("burrow.relayNode");
  private final String path = LoadSettings.path();
  private final byte[] expected = LoadSettings.expectedBody();
  private final int users = LoadSettings.positiveInt("burrow.users", LoadSettings.DEFAULT_RELAY_USERS);
  private final Duration phase = LoadSettings.duration();
  private final Duration warmUp =
      Duration.ofSeconds(LoadSettings.positiveInt("burrow.warmup", LoadSettings.DEFAULT_WARMUP_S));
  private final int p99 = LoadSettings.p99Millis();

  // Not named `http`: a field of that name would shadow HttpDsl.http(...).
  private final HttpProtocolBuilder protocol = http
      .header("Host", LoadSettings.host())
      .acceptHeader("*/*")
      .userAgentHeader("burrow-gatling")
      .disableCaching()
      .disableFollowRedirect();

  private ChainBuilder get(String name, String baseUrl) {
    return io.gatling.javaapi.core.CoreDsl.exec(http(name)
        .get(baseUrl + path)
        .check(status().is(200))
        .check(bodyBytes().is(expected)));
  }

  private ScenarioBuilder loop(String groupName, Duration length, ChainBuilder body) {
    return scenario(groupName).during(length).on(group(groupName).on(body));
  }

  private final ScenarioBuilder warm = loop(WARM_UP, warmUp,
      get("warm-up same-node", sameNode).exec(get("warm-up relay-hop", relayNode)));
  private final ScenarioBuilder same = loop(SAME_NODE, phase, get("GET " + SAME_NODE, sameNode));
  private final ScenarioBuilder relay = loop(RELAY_HOP, phase, get("GET " + RELAY_HOP, relayNode));

  {
    setUp(warm.injectOpen(atOnceUsers(users)).andThen(
            same.injectOpen(atOnceUsers(users)).andThen(
                relay.injectOpen(atOnceUsers(users)))))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            details(SAME_NODE).responseTime().percentile(99.0).lt(p99),
            details(RELAY_HOP).responseTime().percentile(99.0).lt(p99));
  }
}

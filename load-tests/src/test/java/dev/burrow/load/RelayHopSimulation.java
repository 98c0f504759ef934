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
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * The cost of the cross-node hop, in one run: the same closed-model load ({@code burrow.users} users, each
 * sending its next request as soon as the last one is answered) to the node that holds the agent's link
 * ({@code burrow.sameNode}) and to a node that must relay it ({@code burrow.relayNode}), {@code burrow.duration}
 * seconds per path in all, after a warm-up of both paths ({@code burrow.warmup} s). The phases run one after the
 * other, so each gets the whole machine, and alternate in {@code burrow.rounds} rounds (same, relay, same,
 * relay, ...) so that JIT warm-up and drifting background load do not all fall on one path. Group and request
 * names in the report: {@value #WARM_UP}, {@value #SAME_NODE} / "GET same-node", {@value #RELAY_HOP} /
 * "GET relay-hop" (the rounds of a path add up in one row); gatling.sh divides relay by same-node.
 * Assertions: no failed request, p99 of each path below {@code burrow.p99ms}.
 */
public class RelayHopSimulation extends Simulation {

  static final String WARM_UP = "warm-up";
  static final String SAME_NODE = "same-node";
  static final String RELAY_HOP = "relay-hop";
  static final int DEFAULT_ROUNDS = 2;

  private final String sameNode;
  private final String relayNode;
  private final String sameName;
  private final String relayName;
  private final String path = LoadSettings.path();
  private final byte[] expected = LoadSettings.expectedBody();
  private final int users = LoadSettings.positiveInt("burrow.users", LoadSettings.DEFAULT_RELAY_USERS);
  private final Duration phase = LoadSettings.duration();
  private final Duration warmUp =
      Duration.ofSeconds(LoadSettings.positiveInt("burrow.warmup", LoadSettings.DEFAULT_WARMUP_S));
  private final int p99 = LoadSettings.p99Millis();
  private final int rounds = LoadSettings.positiveInt("burrow.rounds", DEFAULT_ROUNDS);

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

  /** Scenario names must be unique in a simulation; the group (and request) name is what the report merges. */
  private PopulationBuilder loop(String scenarioName, String groupName, Duration length, ChainBuilder body) {
    return scenario(scenarioName).during(length).on(group(groupName).on(body)).injectOpen(atOnceUsers(users));
  }

  private PopulationBuilder rounds() {
    Duration slice = phase.dividedBy(rounds);
    PopulationBuilder chain = null;
    for (int r = rounds; r >= 1; r--) {
      PopulationBuilder relay = loop(relayName + " #" + r, relayName, slice, get("GET " + relayName, relayNode));
      if (chain != null) {
        relay = relay.andThen(chain);
      }
      chain = loop(sameName + " #" + r, sameName, slice, get("GET " + sameName, sameNode)).andThen(relay);
    }
    return chain;
  }

  public RelayHopSimulation() {
    this(LoadSettings.node("burrow.sameNode"), LoadSettings.node("burrow.relayNode"), SAME_NODE, RELAY_HOP);
  }

  /** The same comparison between any two entry points: names are the report's group and request names. */
  protected RelayHopSimulation(String sameNode, String relayNode, String sameName, String relayName) {
    this.sameNode = sameNode;
    this.relayNode = relayNode;
    this.sameName = sameName;
    this.relayName = relayName;
    setUp(loop(WARM_UP, WARM_UP, warmUp,
            get("warm-up " + sameName, sameNode).exec(get("warm-up " + relayName, relayNode)))
        .andThen(rounds()))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            details(sameName).responseTime().percentile(99.0).lt(p99),
            details(relayName).responseTime().percentile(99.0).lt(p99));
  }
}

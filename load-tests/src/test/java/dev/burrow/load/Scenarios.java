package dev.burrow.load;

import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scenarios the simulations share, so that a profile and the CI smoke that combines them send the same
 * requests and check the same bytes. Every HTTP request carries its own Host header (the tunnel's name), so one
 * protocol serves tunnels of different names.
 */
final class Scenarios {

  private Scenarios() {}

  /** Keep-alive connections shared by all virtual users, as a reverse proxy or a browser fleet would have. */
  static HttpProtocolBuilder sharedPool() {
    return http
        .acceptHeader("*/*")
        .userAgentHeader("burrow-gatling")
        // Without it the open model opens one TCP connection per request.
        .shareConnections()
        .disableCaching()
        .disableFollowRedirect();
  }

  /** One GET of {@code path} with {@code Host: host}, round-robin over the nodes, named "PREFIX via node-N". */
  static ScenarioBuilder getRoundRobin(String scenarioName, String requestPrefix, List<String> nodes, String host,
      String path, byte[] expected) {
    return scenario(scenarioName)
        .feed(nodeFeeder(nodes).circular())
        .exec(http(requestPrefix + " via #{nodeName}")
            .get("#{nodeUrl}" + path)
            .header("Host", host)
            .check(status().is(200))
            .check(bodyBytes().is(expected)));
  }

  /**
   * One GET per virtual user to the next of many tunnels (each host in turn, so every one is requested once
   * before any twice), round-robin over the nodes. Named "PREFIX via node-N": a row per host would be 1 000 rows.
   */
  static ScenarioBuilder getManyHosts(String scenarioName, String requestPrefix, List<String> nodes,
      List<String> hosts, String path, byte[] expected) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (String h : hosts) {
      records.add(Map.of("tunnelHost", h));
    }
    return scenario(scenarioName)
        .feed(nodeFeeder(nodes).circular())
        .feed(listFeeder(records).circular())
        .exec(http(requestPrefix + " via #{nodeName}")
            .get("#{nodeUrl}" + path)
            .header("Host", "#{tunnelHost}")
            .check(status().is(200))
            .check(bodyBytes().is(expected)));
  }

  /**
   * A WebSocket held open for {@code holdOpen}: one numbered text message every {@code interval}, each echo
   * checked to be exactly that message, then a close. Names: "connect/echo/close via node-N".
   */
  static ScenarioBuilder webSocketHeld(String scenarioName, List<String> nodes, String wsHost, Duration holdOpen,
      Duration interval) {
    return scenario(scenarioName)
        .feed(nodeFeeder(nodes).circular())
        .exec(session -> session.set("wsUrl",
            session.getString("nodeUrl").replaceFirst("^http://", "ws://") + WebSocketEchoUpstream.WS_PATH))
        .exec(ws("connect via #{nodeName}").connect("#{wsUrl}").header("Host", wsHost))
        .during(holdOpen).on(
            exec(session -> session.set("msg", "burrow-" + session.userId() + "-" + System.nanoTime()))
                .exec(ws("send via #{nodeName}").sendText("#{msg}")
                    .await(LoadSettings.WS_ECHO_TIMEOUT).on(
                        ws.checkTextMessage("echo via #{nodeName}")
                            .check(bodyString().is(session -> session.getString("msg")))))
                .pause(interval))
        .exec(ws("close via #{nodeName}").close());
  }

  static FeederBuilder<Object> nodeFeeder(List<String> nodes) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      records.add(Map.of("nodeName", "node-" + i, "nodeUrl", nodes.get(i)));
    }
    return listFeeder(records);
  }
}

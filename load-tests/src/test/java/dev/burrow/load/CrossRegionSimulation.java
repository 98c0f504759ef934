package dev.burrow.load;

/**
 * The cross-region relay: the same closed-model comparison as {@link RelayHopSimulation}, between an edge of
 * the region the agent is linked to ({@code burrow.homeRegion}, a public HTTP base URL) and an edge of another
 * region ({@code burrow.otherRegion}), which has to relay each request to the home region. Group and request
 * names: "home-region" / "GET home-region" and "other-region" / "GET other-region". Other knobs as in
 * RelayHopSimulation (burrow.host, burrow.users, burrow.duration, burrow.rounds, burrow.warmup, burrow.p99ms,
 * burrow.body). load-tests/cross-region.sh starts two regions on loopback and runs it (docs/benchmarks.md).
 */
public class CrossRegionSimulation extends RelayHopSimulation {

  public CrossRegionSimulation() {
    super(LoadSettings.node("burrow.homeRegion"), LoadSettings.node("burrow.otherRegion"),
        "home-region", "other-region");
  }
}

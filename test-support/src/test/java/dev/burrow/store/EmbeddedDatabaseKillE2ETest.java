package dev.burrow.store;

import dev.burrow.testsupport.AdminClient;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the admin API answered for is in the embedded tenancy database when the node is SIGKILLed right after: a
 * real edge process writes reservations and tokens, is killed {@link #KILL_AFTER_MILLIS} ms after the last answer,
 * starts again on the same data directory and lists them. The first writes come after the database has been open
 * longer than H2's retention time (45 s by default), when new chunks go into the space of old ones: that is when rows
 * were lost before (docs/tenancy.md, "The store").
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class EmbeddedDatabaseKillE2ETest {
    private static final int ROUNDS = Integer.getInteger("burrow.test.killRounds", 3);
    private static final long KILL_AFTER_MILLIS = Long.getLong("burrow.test.killAfterMillis", 200);
    private static final long IDLE_FIRST_MILLIS = Long.getLong("burrow.test.idleFirstMillis", 50_000);
    private static final int WRITES_PER_ROUND = 3;

    @Test
    void reservationsAndTokensAnsweredMomentsBeforeASigkillAreThereAfterTheRestart() throws Exception {
        try (EdgeProcess edge = EdgeProcess.builder().name("edge-h2-kill").domain("example.com").start()) {
            edge.admin().createTenant("t1", 0, 0, 0);
            Thread.sleep(IDLE_FIRST_MILLIS);
            List<String> reserved = new ArrayList<>();
            int tokens = 0;
            List<String> lost = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                AdminClient admin = edge.admin();
                for (int i = 1; i <= WRITES_PER_ROUND; i++) {
                    String name = "r" + round + "-" + i + ".example.com";
                    admin.reserve("t1", name);
                    reserved.add(name);
                    admin.issueToken("t1");
                    tokens++;
                }
                Thread.sleep(KILL_AFTER_MILLIS);
                edge.kill();
                edge.startAgain();
                AdminClient restarted = edge.admin();
                List<String> listed = restarted.get("/tenants/t1/reservations").json().getJsonArray("reservations").stream()
                        .map(entry -> ((JsonObject) entry).getString("name")).toList();
                int tokensListed = restarted.get("/tenants/t1/tokens").json().getJsonArray("tokens").size();
                List<String> missing = reserved.stream().filter(name -> !listed.contains(name)).toList();
                System.out.printf("H2 kill round %d: %d of %d reservations, %d of %d tokens after a SIGKILL %d ms after the last answer%n",
                        round, reserved.size() - missing.size(), reserved.size(), tokensListed, tokens, KILL_AFTER_MILLIS);
                if (!missing.isEmpty() || tokensListed != tokens) {
                    lost.add("round " + round + ": reservations missing " + missing + ", tokens " + tokensListed + " of " + tokens);
                }
            }
            assertEquals(List.of(), lost, "rows lost to a SIGKILL");
        }
    }
}

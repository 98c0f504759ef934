package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublicPortsConditionTest {
    private static final String OUTSIDE = "TCP port 7000 is outside this edge's TCP port range 20000-29999; ask for a port in it or for any port (0)";

    @Test
    void everyPortUnderItsOwnNumberIsTrue() {
        Condition condition = PublicPortsCondition.of(List.of(new PublicPortsCondition.Port(20001, "pg", 20001, null)), null, 1L).orElseThrow();
        assertEquals("True", condition.getStatus());
        assertEquals(PublicPortsCondition.KEPT, condition.getReason());
        assertEquals(PublicPortsCondition.TYPE, condition.getType());
    }

    @Test
    void aPortTheEdgePickedNamesThePortAskedThePortGivenAndTheEdgesReason() {
        Condition condition = PublicPortsCondition.of(List.of(new PublicPortsCondition.Port(7000, "echo", 20417, OUTSIDE),
                new PublicPortsCondition.Port(20001, null, 20001, null)), null, 1L).orElseThrow();
        assertEquals("False", condition.getStatus());
        assertEquals(PublicPortsCondition.PICKED, condition.getReason());
        assertEquals("Service port 7000 (echo) is public on port 20417, not 7000: " + OUTSIDE + ".", condition.getMessage());
    }

    @Test
    void aReplicaThatDidNotSeeTheRefusalKeepsTheConditionThatSaysWhy() {
        Condition written = PublicPortsCondition.of(List.of(new PublicPortsCondition.Port(7000, "echo", 20417, OUTSIDE)), null, 1L).orElseThrow();
        Condition again = PublicPortsCondition.of(List.of(new PublicPortsCondition.Port(7000, "echo", 20417, null)), written, 1L).orElseThrow();
        assertSame(written, again);
        Condition fresh = PublicPortsCondition.of(List.of(new PublicPortsCondition.Port(7000, "echo", 20417, null)), null, 1L).orElseThrow();
        assertTrue(fresh.getMessage().endsWith(PublicPortsCondition.REASON_NOT_SEEN + "."), fresh.getMessage());
    }

    @Test
    void noServedPortIsNoCondition() {
        assertTrue(PublicPortsCondition.of(List.of(), null, 1L).isEmpty());
    }
}

package dev.burrow.agent.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EdgeNodesTest {

    @Test
    void firstContactPrefersSeedsInOrderThenTheLeastRecentlyFailed() {
        EdgeNodes nodes = new EdgeNodes(List.of("a:1", "b:1"));
        nodes.learn(List.of("c:1"));
        assertEquals("a:1", nodes.firstContact());
        nodes.failed("a:1");
        assertEquals("b:1", nodes.firstContact());
        nodes.failed("b:1");
        assertEquals("c:1", nodes.firstContact());
        nodes.failed("c:1");
        assertEquals("a:1", nodes.firstContact(), "all failed: the one that failed longest ago");
        nodes.succeeded("c:1");
        assertEquals("c:1", nodes.firstContact());
    }

    @Test
    void anotherNodeIsOneEveryLiveLinksNodeListsAndNobodyUses() {
        EdgeNodes nodes = new EdgeNodes(List.of("lb:1"));
        // Linked to node a (via the load balancer) and to node b; each lists the others.
        List<String> listedByA = List.of("b:1", "c:1", "d:1");
        List<String> listedByB = List.of("a:1", "c:1", "d:1");
        assertEquals("c:1", nodes.another(List.of(listedByA, listedByB), Set.of("lb:1", "b:1")));
        assertEquals("d:1", nodes.another(List.of(listedByA, listedByB), Set.of("lb:1", "b:1", "c:1")));
        nodes.failed("c:1");
        assertEquals("d:1", nodes.another(List.of(listedByA, listedByB), Set.of("lb:1", "b:1")));
        assertNull(nodes.another(List.of(listedByA, listedByB), Set.of("c:1", "d:1")));
        assertNull(nodes.another(List.of(List.of()), Set.of()), "a lone node lists nobody");
        assertNull(nodes.another(List.of(), Set.of()));
    }

    @Test
    void listedAddressesAreNormalisedAndMalformedOnesSkipped() {
        assertEquals(List.of("a:1", "[::1]:2"), EdgeNodes.normalise(List.of("a:1", " [::1]:2 ", "nonsense", "b:99999")));
    }
}

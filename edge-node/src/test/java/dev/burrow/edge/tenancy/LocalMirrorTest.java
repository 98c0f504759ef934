package dev.burrow.edge.tenancy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The node-local copy of a tenancy map: an entry event handled between registering the listener and merging the
 * first read of the map wins over that (older) read (review L2).
 */
class LocalMirrorTest {
    private final LocalMirror<String, String> mirror = new LocalMirror<>(null, v -> v);

    @Test
    void aRemovalSeenBeforeTheSnapshotIsMergedIsNotUndoneByIt() {
        mirror.remove("held");
        mirror.seed(Map.of("held", "stale", "other", "kept"));
        assertNull(mirror.get("held"), "the snapshot brought a removed entry back");
        assertEquals("kept", mirror.get("other"));
    }

    @Test
    void anUpdateSeenBeforeTheSnapshotIsMergedKeepsItsNewerValue() {
        mirror.put("name", "new");
        mirror.seed(Map.of("name", "old"));
        assertEquals("new", mirror.get("name"));
    }

    @Test
    void afterSeedingEveryChangeApplies() {
        mirror.seed(Map.of("name", "v1"));
        mirror.put("name", "v2");
        assertEquals("v2", mirror.get("name"));
        mirror.remove("name");
        assertNull(mirror.get("name"));
        mirror.put("name", "v3");
        assertEquals("v3", mirror.get("name"));
    }

    @Test
    void aDerivedValueOfNullKeepsNothing() {
        LocalMirror<Integer, Integer> limits = new LocalMirror<>(null, v -> v > 0 ? v : null);
        limits.seed(Map.of("a", 5, "b", 0));
        assertEquals(5, limits.get("a"));
        assertNull(limits.get("b"));
        limits.put("a", 0);
        assertNull(limits.get("a"));
    }

    @Test
    void anEvictionIsARemoval() {
        mirror.seed(Map.of("released", "elsewhere"));
        mirror.entryEvicted(new com.hazelcast.core.EntryEvent<>("burrow.reservations", null,
                com.hazelcast.core.EntryEventType.EVICTED.getType(), "released", null));
        assertNull(mirror.get("released"), "a row another region deleted is evicted here, and gone from the copy");
    }
}

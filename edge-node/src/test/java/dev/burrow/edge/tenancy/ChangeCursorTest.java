package dev.burrow.edge.tenancy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeCursorTest {
    @Test
    void movesOverHandledSeqs() {
        ChangeCursor cursor = new ChangeCursor(10);
        assertFalse(cursor.isNew(10), "up to the start seq the maps already have everything");
        assertTrue(cursor.isNew(11));
        cursor.handled(11);
        cursor.handled(12);
        assertFalse(cursor.isNew(12));
        cursor.advance(0);
        assertEquals(12, cursor.floor());
    }

    @Test
    void waitsBelowAHoleThatMayStillFillThenGivesUp() {
        ChangeCursor cursor = new ChangeCursor(0);
        cursor.handled(1);
        cursor.handled(3); // 2 is still committing, or rolled back
        cursor.advance(1_000);
        assertEquals(1, cursor.floor(), "reads again from below the hole");
        assertTrue(cursor.isNew(2));
        assertFalse(cursor.isNew(3), "a change is applied once");
        cursor.advance(1_000 + ChangeCursor.GAP_GRACE_MILLIS - 1);
        assertEquals(1, cursor.floor());

        cursor.handled(2); // it committed
        cursor.advance(2_000 + ChangeCursor.GAP_GRACE_MILLIS);
        assertEquals(3, cursor.floor());

        cursor.handled(5); // 4 never comes
        cursor.advance(20_000);
        assertEquals(3, cursor.floor());
        cursor.advance(20_000 + ChangeCursor.GAP_GRACE_MILLIS);
        assertEquals(5, cursor.floor(), "a hole open for the grace is given up");
        assertFalse(cursor.isNew(4));
    }
}

package dev.burrow.mux;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A link's budget grants what both it and the process's budget still have, and gives back to both. */
class WindowBudgetTest {

    @Test
    void aLinkBudgetGrantsWhatItAndTheProcessBudgetBothStillHave() {
        WindowBudget process = WindowBudget.standalone(1000);
        WindowBudget first = process.child(600);
        WindowBudget second = process.child(600);

        assertEquals(500, first.take(500));
        assertEquals(100, first.take(500), "the link's own limit");
        assertEquals(400, second.take(500), "what the process has left");
        assertEquals(0, second.take(1));
        assertEquals(1000, process.taken());
        assertEquals(400, second.taken(), "a link keeps only what the process granted");

        first.giveBack(600);
        assertEquals(0, first.taken());
        assertEquals(400, process.taken());
        assertEquals(200, second.take(500), "the link's own limit again");
        assertEquals(600, process.taken());
    }
}

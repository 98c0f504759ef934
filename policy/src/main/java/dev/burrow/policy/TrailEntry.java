package dev.burrow.policy;

import java.util.List;

/** One rule as evaluated: its phase, its name (or position), whether its expressions matched, the actions it ran. */
public record TrailEntry(String phase, String rule, boolean matched, List<String> actions) {
    public TrailEntry {
        actions = List.copyOf(actions);
    }
}

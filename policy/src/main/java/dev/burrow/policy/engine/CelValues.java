package dev.burrow.policy.engine;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** How CEL values read as text in interpolated config values and logs. */
public final class CelValues {
    private CelValues() {
    }

    public static String toText(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(CelValues::toText).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> toText(e.getKey()) + ":" + toText(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        return String.valueOf(value);
    }
}

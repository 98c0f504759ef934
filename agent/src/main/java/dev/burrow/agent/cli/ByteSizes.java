package dev.burrow.agent.cli;

import java.util.Locale;

/** Parses sizes as users write them: "65536", "64KiB", "64kb", "1MiB" (binary multiples). */
final class ByteSizes {
    private ByteSizes() {
    }

    static int parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long multiplier = 1;
        for (String[] unit : new String[][]{{"kib", "1024"}, {"kb", "1024"}, {"k", "1024"}, {"mib", "1048576"}, {"mb", "1048576"}, {"m", "1048576"}, {"b", "1"}}) {
            if (value.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                value = value.substring(0, value.length() - unit[0].length());
                break;
            }
        }
        try {
            long bytes = Long.parseLong(value) * multiplier;
            if (bytes >= 0 && bytes <= 16L * 1024 * 1024) {
                return (int) bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a size from 0 to 16MiB (e.g. 65536 or 64KiB)");
    }
}

package dev.burrow.policy.actions;

import java.util.List;
import java.util.Locale;

/**
 * Chooses a content coding from an {@code Accept-Encoding} header (RFC 9110 section 12.5.3): the offered coding with
 * the highest q-value, ties going to the order the policy lists; q=0 refuses a coding; {@code *} stands for every
 * coding the header does not name.
 */
final class AcceptEncoding {
    private AcceptEncoding() {
    }

    /** The chosen coding from {@code offered}, or null when the client accepts none of them. */
    static String choose(String header, List<String> offered) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String best = null;
        double bestQ = 0;
        for (String coding : offered) {
            double q = quality(header, coding);
            if (q > bestQ) {
                best = coding;
                bestQ = q;
            }
        }
        return best;
    }

    /** The q-value the header gives {@code coding} (directly, or through '*'), 0 when it gives none. */
    static double quality(String header, String coding) {
        double wildcard = 0;
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
                if (parameter.startsWith("q=")) {
                    q = parseQ(parameter.substring(2));
                }
            }
            if (name.equals(coding)) {
                return q;
            }
            if (name.equals("*")) {
                wildcard = q;
            }
        }
        return wildcard;
    }

    private static double parseQ(String text) {
        try {
            double q = Double.parseDouble(text.strip());
            return q < 0 || q > 1 ? 0 : q;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

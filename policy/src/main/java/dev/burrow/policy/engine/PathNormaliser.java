package dev.burrow.policy.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The path that {@code req.url.path} shows to expressions, so that spellings a server would take for the same
 * resource cannot slip past a rule such as {@code req.url.path.startsWith('/admin')}:
 * <ol>
 *   <li>every {@code %XX} escape is decoded once (so {@code %2f} is '/', {@code %2e} is '.'; a malformed escape stays
 *       as written; bytes are read as UTF-8);</li>
 *   <li>a backslash counts as a slash (several servers treat it as one);</li>
 *   <li>runs of slashes become one slash;</li>
 *   <li>"." segments are dropped and ".." removes the segment before it (RFC 3986 section 5.2.4), never above "/";</li>
 *   <li>the result starts with '/'.</li>
 * </ol>
 * Not normalised: case, a {@code ;param} inside a segment, and a second layer of escapes ({@code %252f} becomes
 * the text {@code %2f}). The request is forwarded as the client sent it; only what expressions see is normalised.
 */
public final class PathNormaliser {
    private PathNormaliser() {
    }

    public static String normalise(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String decoded = percentDecode(rawPath).replace('\\', '/');
        return removeDotSegments(decoded);
    }

    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 3;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(encoded, 0, encoded.length);
                i++;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static String removeDotSegments(String path) {
        String[] segments = path.split("/");
        String[] kept = new String[segments.length];
        int count = 0;
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                count = Math.max(count - 1, 0);
                continue;
            }
            kept[count++] = segment;
        }
        StringBuilder out = new StringBuilder(path.length() + 1);
        for (int i = 0; i < count; i++) {
            out.append('/').append(kept[i]);
        }
        boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        if (count == 0 || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }
}

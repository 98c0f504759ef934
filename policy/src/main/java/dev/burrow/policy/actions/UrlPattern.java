package dev.burrow.policy.actions;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.engine.DocumentNode;

/**
 * The {@code from} regex of redirect and url-rewrite and the {@code $1} references of their {@code to}.
 * The regex is matched against the request URL as {@code req.url} shows it ({@code scheme://host/path?query}, path as
 * the client sent it); the first match is replaced. The regex is RE2 (as ngrok's Go regexp): matching takes time
 * linear in the URL, so no request can make it backtrack for seconds on an event loop.
 */
final class UrlPattern {
    private final Pattern pattern;

    private UrlPattern(Pattern pattern) {
        this.pattern = pattern;
    }

    static UrlPattern compile(ActionConfig config, String key) throws PolicyException {
        String regex = config.text(key, null);
        DocumentNode at = config.at(key);
        try {
            return new UrlPattern(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw config.problem(at, key + ": not a valid regular expression: " + e.getDescription());
        }
    }

    /** The URL with the first match replaced by {@code to} (captures expanded), or null when nothing matches. */
    String replace(String url, String to) {
        Matcher matcher = pattern.matcher(url);
        if (!matcher.find()) {
            return null;
        }
        return url.substring(0, matcher.start()) + expand(to, matcher) + url.substring(matcher.end());
    }

    /** {@code $0}..{@code $9} become the captured groups; any other '$' stays as written. */
    private static String expand(String to, Matcher matcher) {
        if (to.indexOf('$') < 0) {
            return to;
        }
        StringBuilder out = new StringBuilder(to.length() + 16);
        for (int i = 0; i < to.length(); i++) {
            char c = to.charAt(i);
            if (c == '$' && i + 1 < to.length() && Character.isDigit(to.charAt(i + 1))) {
                int group = to.charAt(i + 1) - '0';
                if (group <= matcher.groupCount()) {
                    String value = matcher.group(group);
                    out.append(value == null ? "" : value);
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}

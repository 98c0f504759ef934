package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.engine.Template;

import java.util.Map;

/** Header-name and header-value rules shared by the actions that write headers. */
final class HeaderNames {
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeaderNames() {
    }

    /** The {@code key} map of header templates, every name checked. */
    static Map<String, Template> headerMap(ActionConfig config, String key, boolean required) throws PolicyException {
        Map<String, Template> headers = config.templateMap(key, required);
        for (String name : headers.keySet()) {
            if (!isToken(name)) {
                throw config.problem(key, "'" + name + "' is not a valid header name");
            }
        }
        return headers;
    }

    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A value interpolated from request data must not split the head: CR and LF become spaces. */
    static String withoutLineBreaks(String value) {
        if (value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return value.replace('\r', ' ').replace('\n', ' ');
    }
}

package dev.burrow.policy;

import dev.burrow.testsupport.RawHttpClient;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without a screen for the login tests: one raw HTTP/1.1 connection per request, a cookie jar per host name
 * (ports ignored, as browsers do), a {@code *.localhost} name reached on loopback with its name as the Host, redirects
 * followed by hand so a test can stop at any hop. Every request is bounded by {@link #TIMEOUT}; a redirect chain by
 * {@link #MAX_HOPS}.
 */
final class LoginUserAgent {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int MAX_HOPS = 12;
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");

    private final Map<String, Map<String, String>> jar = new HashMap<>();
    /** Where a {@code *.localhost} name with this port listens (the nodes of a cluster); else 127.0.0.1. */
    private final Map<Integer, String> addressByPort;

    LoginUserAgent() {
        this(Map.of());
    }

    LoginUserAgent(Map<Integer, String> addressByPort) {
        this.addressByPort = Map.copyOf(addressByPort);
    }

    /** One response and the URL that gave it. */
    record Reply(String url, RawHttpClient.Response response) {
        int status() {
            return response.status();
        }

        String header(String name) {
            return response.header(name);
        }

        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            response.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).forEach(h -> values.add(h.getValue()));
            return values;
        }

        String body() {
            return response.bodyText();
        }

        /** The Location resolved against this response's URL. */
        String location() {
            return URI.create(url).resolve(header("location")).toString();
        }

        boolean redirects() {
            return status() / 100 == 3 && header("location") != null;
        }
    }

    Reply get(String url) {
        return send("GET", url, null);
    }

    Reply send(String method, String url, String form) {
        URI uri = URI.create(url);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String connectTo = uri.getHost().endsWith(".localhost") ? addressByPort.getOrDefault(port, "127.0.0.1") : uri.getHost();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Connection", "close");
        headers.put("Accept", "text/html");
        String cookies = cookieHeader(uri.getHost());
        if (!cookies.isEmpty()) {
            headers.put("Cookie", cookies);
        }
        byte[] body = null;
        if (form != null) {
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            body = form.getBytes(StandardCharsets.UTF_8);
        }
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        try (RawHttpClient client = RawHttpClient.connect(connectTo, port, TIMEOUT)) {
            RawHttpClient.Response response = client.exchange(method, target, uri.getRawAuthority(), headers, body);
            remember(uri.getHost(), response);
            return new Reply(url, response);
        }
    }

    /** Follows redirects from {@code url} until a response that is none, or one whose URL {@code stopAt} starts. */
    Reply follow(String url, String stopAt) {
        Reply reply = get(url);
        for (int hop = 0; reply.redirects() && hop < MAX_HOPS; hop++) {
            String next = reply.location();
            if (stopAt != null && next.startsWith(stopAt)) {
                return reply;
            }
            reply = get(next);
        }
        return reply;
    }

    /** On the provider's login form: signs in as {@code login} (any password) and follows the redirects that come. */
    Reply signIn(Reply loginPage, String login, String stopAt) {
        Matcher action = FORM_ACTION.matcher(loginPage.body());
        if (loginPage.status() != 200 || !action.find()) {
            throw new AssertionError("not the provider's login page: " + loginPage.status() + " " + loginPage.body());
        }
        String submit = URI.create(loginPage.url()).resolve(action.group(1)).toString();
        Reply reply = send("POST", submit, "prompt=login&login=" + URLEncoder.encode(login, StandardCharsets.UTF_8)
                + "&password=anything");
        return reply.redirects() ? follow(reply.location(), stopAt) : reply;
    }

    String cookie(String host, String name) {
        return jar.getOrDefault(host, Map.of()).get(name);
    }

    void setCookie(String host, String name, String value) {
        jar.computeIfAbsent(host, h -> new LinkedHashMap<>()).put(name, value);
    }

    void forgetCookies(String host) {
        jar.remove(host);
    }

    private String cookieHeader(String host) {
        List<String> pairs = new ArrayList<>();
        jar.getOrDefault(host, Map.of()).forEach((name, value) -> pairs.add(name + "=" + value));
        return String.join("; ", pairs);
    }

    private void remember(String host, RawHttpClient.Response response) {
        for (Map.Entry<String, String> header : response.headers()) {
            if (!header.getKey().equalsIgnoreCase("set-cookie")) {
                continue;
            }
            String[] parts = header.getValue().split(";");
            int equals = parts[0].indexOf('=');
            String name = parts[0].substring(0, equals).strip();
            String value = parts[0].substring(equals + 1).strip();
            boolean expired = value.isEmpty();
            for (String attribute : parts) {
                String a = attribute.strip().toLowerCase(java.util.Locale.ROOT);
                expired |= a.equals("max-age=0") || a.startsWith("expires=thu, 01 jan 1970");
            }
            if (expired) {
                jar.getOrDefault(host, new HashMap<>()).remove(name);
            } else {
                setCookie(host, name, value);
            }
        }
    }
}

package dev.burrow.policy.actions.webhook;

import dev.burrow.digest.Sha256;
import dev.burrow.policy.PolicyRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Twilio: {@code X-Twilio-Signature: <base64 HMAC-SHA1(auth token, url + params)>}, where url is the full URL Twilio
 * requested and, for a form POST, params are the form's fields sorted by name, each name followed by its value. A JSON
 * body is bound instead by a {@code bodySHA256} query parameter (hex SHA-256 of the body) inside the signed URL.
 * Twilio's own validators try the URL with and without the port; so does this. No timestamp is signed.
 */
final class TwilioScheme implements WebhookScheme {
    private static final String FORM = "application/x-www-form-urlencoded";
    private final byte[] authToken;

    TwilioScheme(String authToken) {
        this.authToken = Signatures.utf8(authToken);
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String signature = delivery.header("x-twilio-signature");
        if (signature == null) {
            return "no X-Twilio-Signature header";
        }
        PolicyRequest request = delivery.request();
        String contentType = delivery.header("content-type");
        boolean form = contentType != null && contentType.toLowerCase().startsWith(FORM);
        String signedParams = form ? sortedParams(delivery.body()) : "";
        if (!form && !bodyDigestMatches(request.query(), delivery.body())) {
            return "the URL's bodySHA256 does not match the body";
        }
        boolean matched = false;
        for (String url : urls(request)) {
            byte[] mac = Signatures.hmac(Signatures.SHA1, authToken, Signatures.utf8(url + signedParams));
            matched |= Signatures.same(signature.strip(), Base64.getEncoder().encodeToString(mac));
        }
        return matched ? null : "X-Twilio-Signature does not match the URL and parameters";
    }

    /** The URL as Twilio requested it, from the Host the client sent; with and without an explicit port. */
    private static List<String> urls(PolicyRequest request) {
        String host = request.header("host") != null ? request.header("host") : request.host();
        String scheme = request.scheme();
        String defaultPort = "https".equals(scheme) ? "443" : "80";
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > host.lastIndexOf(']');
        String bare = hasPort ? host.substring(0, colon) : host;
        String target = request.target();
        return List.of(scheme + "://" + host + target,
                scheme + "://" + (hasPort ? bare : bare + ":" + defaultPort) + target);
    }

    private static String sortedParams(byte[] body) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            fields.add(Map.entry(decode(name), decode(value)));
        }
        fields.sort(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        StringBuilder joined = new StringBuilder();
        fields.forEach(field -> joined.append(field.getKey()).append(field.getValue()));
        return joined.toString();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static boolean bodyDigestMatches(String query, byte[] body) {
        String declared = null;
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("bodySHA256=")) {
                declared = pair.substring("bodySHA256=".length());
            }
        }
        return declared != null && Signatures.same(declared.toLowerCase(), Sha256.hex(body));
    }
}

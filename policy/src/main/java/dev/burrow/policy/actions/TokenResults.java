package dev.burrow.policy.actions;

import com.nimbusds.jwt.SignedJWT;
import dev.burrow.policy.actions.jwt.TokenSource;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code actions.ngrok.jwt_validation.tokens} as ngrok names its fields: {@code header} and
 * {@code payload} (maps of the JSON, numbers as CEL ints or doubles), {@code location}, {@code location_property},
 * {@code signature} (base64url) and {@code verified}.
 */
final class TokenResults {
    private TokenResults() {
    }

    static Map<String, Object> of(TokenSource source, SignedJWT token, boolean verified) {
        Map<String, Object> result = new HashMap<>();
        result.put("location", source.method());
        result.put("location_property", source.name());
        result.put("verified", verified);
        result.put("header", token == null ? Map.of() : celValue(token.getHeader().toJSONObject()));
        result.put("payload", token == null ? Map.of() : payload(token));
        result.put("signature", token == null ? "" : token.getSignature().toString());
        return result;
    }

    private static Object payload(SignedJWT token) {
        try {
            return celValue(token.getJWTClaimsSet().toJSONObject());
        } catch (ParseException e) {
            return Map.of();
        }
    }

    /** JSON as CEL reads it: whole numbers as long, others as double, nested maps and lists alike. */
    private static Object celValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> converted = new HashMap<>();
            map.forEach((key, item) -> converted.put(String.valueOf(key), celValue(item)));
            return converted;
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            list.forEach(item -> converted.add(celValue(item)));
            return converted;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float number) {
            return number.doubleValue();
        }
        if (value instanceof java.util.Date date) {
            return date.getTime() / 1000;
        }
        return value == null ? "" : value;
    }
}

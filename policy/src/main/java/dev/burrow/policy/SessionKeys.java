package dev.burrow.policy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The keys that seal login cookies, newest first: the newest seals, every one of them opens. Rotation adds a key once
 * the newest is {@link #ROTATE_EVERY} old and keeps {@link #KEPT} keys, so a cookie sealed before a rotation still opens
 * for two more rotations: nobody is logged out by a rotation unless idle for longer than
 * {@link #OPENS_FOR_AT_LEAST}, which is also the longest {@code idle_session_timeout} a login action accepts.
 */
public record SessionKeys(List<Key> keys) {
    public static final long ROTATE_EVERY_MILLIS = 24 * 3600_000L;
    public static final java.time.Duration ROTATE_EVERY = java.time.Duration.ofMillis(ROTATE_EVERY_MILLIS);
    public static final int KEPT = 3;
    public static final java.time.Duration OPENS_FOR_AT_LEAST = ROTATE_EVERY.multipliedBy(KEPT - 1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One AES-256 key; {@code id} is short, random and travels in the cookie. */
    public record Key(String id, byte[] secret, long createdMillis) implements java.io.Serializable {
    }

    public SessionKeys {
        keys = List.copyOf(keys);
    }

    public Key newest() {
        return keys.get(0);
    }

    /** The key with this id, or null (rotated out, or never ours). */
    public Key byId(String id) {
        for (Key key : keys) {
            if (key.id().equals(id)) {
                return key;
            }
        }
        return null;
    }

    public boolean rotationDue(long nowMillis) {
        return keys.isEmpty() || nowMillis - newest().createdMillis() >= ROTATE_EVERY_MILLIS;
    }

    /** A fresh key in front when one is due, the oldest dropped beyond {@link #KEPT}; otherwise this. */
    public SessionKeys rotatedIfDue(long nowMillis) {
        return rotationDue(nowMillis) ? rotated(nowMillis) : this;
    }

    /** A fresh key in front, whether due or not (tests, an operator's forced rotation). */
    public SessionKeys rotated(long nowMillis) {
        List<Key> next = new ArrayList<>(KEPT);
        next.add(freshKey(nowMillis));
        for (int i = 0; i < keys.size() && next.size() < KEPT; i++) {
            next.add(keys.get(i));
        }
        return new SessionKeys(next);
    }

    public static SessionKeys none() {
        return new SessionKeys(List.of());
    }

    private static Key freshKey(long nowMillis) {
        byte[] secret = new byte[32];
        byte[] id = new byte[6];
        RANDOM.nextBytes(secret);
        RANDOM.nextBytes(id);
        return new Key(Base64.getUrlEncoder().withoutPadding().encodeToString(id), secret, nowMillis);
    }
}

package dev.burrow.policy.actions;

import com.aayushatharva.brotli4j.Brotli4jLoader;

/** Whether brotli4j's native library loaded on this platform; checked once. */
final class BrotliSupport {
    private static final boolean AVAILABLE = load();

    private BrotliSupport() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    private static boolean load() {
        try {
            return Brotli4jLoader.isAvailable();
        } catch (Throwable unavailable) {
            return false;
        }
    }
}

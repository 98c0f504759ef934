package dev.burrow.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code --log-level}: the node's own level; libraries at warn unless debug; a bad level is refused by name. */
class EdgeLoggingTest {

    @Test
    void librariesLogWarningsUnlessDebugAndABadLevelIsRefused() {
        assertNull(EdgeLogging.configure("info"));
        assertEquals("info", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("warn", System.getProperty("org.slf4j.simpleLogger.log.com.hazelcast"));
        assertEquals("warn", System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb"));
        assertEquals("slf4j", System.getProperty("hazelcast.logging.type"));
        assertNull(EdgeLogging.configure("DEBUG"));
        assertEquals("debug", System.getProperty("org.slf4j.simpleLogger.log.com.hazelcast"));
        assertEquals("--log-level loud is not one of debug, info, warn, error", EdgeLogging.configure("loud"));
        assertNull(EdgeLogging.configure(null));
        assertEquals("warn", System.getProperty("org.slf4j.simpleLogger.log.io.netty"));
    }
}

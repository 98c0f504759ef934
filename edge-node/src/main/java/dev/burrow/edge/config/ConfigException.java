package dev.burrow.edge.config;

/** A configuration value is missing or wrong; the message is one sentence a user can act on. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}

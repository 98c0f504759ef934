package dev.burrow.edge.store;

/** The tenancy database cannot be opened, migrated, read or written. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

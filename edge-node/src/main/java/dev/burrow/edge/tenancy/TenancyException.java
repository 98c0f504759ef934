package dev.burrow.edge.tenancy;

/** A refused tenancy operation: a stable code and a sentence the caller can act on. */
public final class TenancyException extends RuntimeException {
    private final TenancyError code;

    public TenancyException(TenancyError code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public TenancyError code() {
        return code;
    }
}

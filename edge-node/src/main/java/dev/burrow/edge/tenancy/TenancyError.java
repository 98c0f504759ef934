package dev.burrow.edge.tenancy;

/** Stable codes of the admin API's JSON errors, with the HTTP status each maps to. Never renamed or reused. */
public enum TenancyError {
    INVALID_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    TENANT_NOT_FOUND(404),
    TOKEN_NOT_FOUND(404),
    RESERVATION_NOT_FOUND(404),
    DOMAIN_NOT_FOUND(404),
    SESSION_NOT_FOUND(404),
    NOT_FOUND(404),
    TENANT_EXISTS(409),
    NAME_TAKEN(409),
    DOMAIN_NOT_VERIFIED(409),
    STORE_UNAVAILABLE(503),
    INTERNAL_ERROR(500);

    private final int status;

    TenancyError(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}

package dev.burrow.agent;

import java.net.URI;

/** An endpoint whose connections are forwarded to an upstream address by the SDK. */
public interface Forwarder extends Endpoint {

    /** Where connections are forwarded, for example {@code http://localhost:3000} or {@code tcp://localhost:22}. */
    URI upstream();
}

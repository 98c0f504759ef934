package dev.burrow.edge.tls.acme;

import org.shredzone.acme4j.exception.AcmeException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The operator's DNS provider, as far as DNS-01 needs it: publish a TXT record before the CA looks it up, remove it
 * afterwards. A program ({@link CommandTxtRecordHook}) or a webhook ({@link WebhookTxtRecordHook}); each call blocks a
 * worker for at most the configured timeout and fails with a sentence saying which call failed and why.
 */
interface TxtRecordHook {
    String SET = "set";
    String CLEAR = "clear";

    /**
     * One DNS-01 record: for an order of {@code *.DOMAIN} (or {@code DOMAIN}), the TXT record {@code name}
     * ({@code _acme-challenge.DOMAIN.}, fully qualified; for a delegated name, {@code DOMAIN.ZONE.}, which
     * {@code _acme-challenge.DOMAIN} points at by CNAME) holding {@code value}.
     */
    record TxtRecord(String domain, String name, String value) {
    }

    /** One call of the hook: {@link #SET} or {@link #CLEAR} the record. */
    void call(String action, TxtRecord record) throws AcmeException, InterruptedException;

    /** Publishes the record; returns once the hook says it is visible to the CA. */
    default void set(TxtRecord record) throws AcmeException, InterruptedException {
        call(SET, record);
    }

    /** Removes the record (called after the CA's validation settled, and after a failed {@link #set}). */
    default void clear(TxtRecord record) throws AcmeException, InterruptedException {
        call(CLEAR, record);
    }

    /** The program {@code command} or else the webhook {@code url}, each call bounded by {@code timeout}; null when neither. */
    static TxtRecordHook of(Path command, URI url, Duration timeout) {
        if (command != null) {
            return new CommandTxtRecordHook(command, timeout);
        }
        return url == null ? null : new WebhookTxtRecordHook(url, timeout);
    }
}

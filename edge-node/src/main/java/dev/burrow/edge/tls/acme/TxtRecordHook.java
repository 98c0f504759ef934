package dev.burrow.edge.tls.acme;

import dev.burrow.edge.config.AcmeSettings;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * The operator's DNS provider, as far as DNS-01 needs it: publish a TXT record before the CA looks it up, remove it
 * afterwards. A program ({@link CommandTxtRecordHook}) or a webhook ({@link WebhookTxtRecordHook}); each call blocks a
 * worker for at most the configured timeout and fails with a sentence saying which call failed and why.
 */
interface TxtRecordHook {
    String SET = "set";
    String CLEAR = "clear";

    /** A hook that is not configured: DNS-01 is refused, naming the flags that would allow it. */
    TxtRecordHook NONE = (action, record) -> {
        if (action.equals(SET)) {
            throw new AcmeException("a wildcard needs DNS-01 and no DNS hook is configured (--acme-dns-hook-command or --acme-dns-hook-url)");
        }
    };


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

    static TxtRecordHook of(AcmeSettings.DnsHook settings) {
        if (settings.command() != null) {
            return new CommandTxtRecordHook(settings.command(), settings.timeout());
        }
        if (settings.url() != null) {
            return new WebhookTxtRecordHook(settings.url(), settings.timeout());
        }
        return NONE;
    }
}

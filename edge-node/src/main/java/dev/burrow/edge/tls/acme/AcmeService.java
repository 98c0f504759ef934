package dev.burrow.edge.tls.acme;

import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.config.AcmeSettings;
import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.tls.HttpsFrontDoor;
import dev.burrow.edge.tls.PublicCertificates;
import dev.burrow.edge.tls.PublicHttps;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.function.Predicate;

/**
 * ACME at the edge, assembled: the HTTP-01 answers of the plain HTTP port ({@link #http01()}), the TLS-ALPN-01 answers
 * of the HTTPS port, the certificates the HTTPS port serves for names it obtained ({@link #certificates()}), and their start and stop. When
 * {@code --acme-directory} is not given, a null object: nothing answered, nothing served, nothing ordered.
 */
public final class AcmeService {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeService.class);
    private static final AcmeService OFF = new AcmeService(null, request -> false, null, null);

    private final AutomaticCertificates certificates;
    private final Predicate<HttpServerRequest> http01;
    private final TlsAlpnResponder tlsAlpn01;
    private final CnameLookup cnames;

    private AcmeService(AutomaticCertificates certificates, Predicate<HttpServerRequest> http01, TlsAlpnResponder tlsAlpn01,
                        CnameLookup cnames) {
        this.certificates = certificates;
        this.http01 = http01;
        this.tlsAlpn01 = tlsAlpn01;
        this.cnames = cnames;
    }

    /**
     * @param holders who holds names by reservation, verified custom domain or reserved wildcard
     */
    public static AcmeService of(Vertx vertx, AcmeSettings settings, String edgeDomain, DataSource database, HazelcastInstance hazelcast,
                                 EndpointRegistry registry, NameEligibility.Holders holders, MeterRegistry metrics) {
        if (!settings.enabled()) {
            return OFF;
        }
        AcmeStore store = new AcmeStore(database);
        Http01Tokens tokens = new Http01Tokens(hazelcast);
        TlsAlpnAnswers tlsAnswers = new TlsAlpnAnswers(vertx, hazelcast);
        DnsHooks hooks = DnsHooks.of(settings.dnsHook());
        String delegationZone = settings.dnsHook().delegationZone();
        // Only a delegation zone needs a lookup: without one, no name's challenge is delegated.
        CnameLookup cnames = delegationZone == null ? null : new CnameLookup(vertx, settings.dnsHook().resolver(), CnameLookup.TIMEOUT_MILLIS);
        ChallengeRoutes routes = new ChallengeRoutes(edgeDomain, hooks, delegationZone, cnames == null ? null : cnames::targetOf);
        AutomaticCertificates certificates = new AutomaticCertificates(vertx, store, new AcmeClient(settings, store, tokens, tlsAnswers),
                new NameEligibility(holders, registry), OrderNames.of(edgeDomain, hooks), routes,
                hazelcast.getMap(AutomaticCertificates.LOCKS_MAP), hazelcast.getMap(AutomaticCertificates.CERTIFICATES_MAP),
                settings.maxPerTenant(), new AcmeMetrics(metrics));
        return new AcmeService(certificates, new Http01Responder(vertx, tokens),
                new TlsAlpnResponder(tlsAnswers, HttpsFrontDoor.ROUTING_HANDLER), cnames);
    }

    /** Answers a request first when it is an HTTP-01 challenge (true: answered); for the plain HTTP port. */
    public Predicate<HttpServerRequest> http01() {
        return http01;
    }

    public PublicCertificates.Automatic certificates() {
        return certificates == null ? PublicCertificates.Automatic.NONE : certificates;
    }

    /**
     * Answers challenges on {@code plainHttp} and {@code https}, serves the obtained certificates there, and starts
     * loading the stored certificates (a handshake before they are in memory re-reads the store, it orders nothing).
     */
    public AcmeService wire(PublicHttpServer plainHttp, PublicHttps https) {
        if (certificates != null) {
            plainHttp.answersFirst(http01);
            https.answersFirst(tlsAlpn01);
            https.certificates().automatic(certificates);
            certificates.start().onFailure(error -> LOG.warn("acme: cannot read the stored certificates: {}", error.getMessage()));
        }
        return this;
    }

    public void close() {
        if (certificates != null) {
            certificates.close();
        }
        if (cnames != null) {
            cnames.close();
        }
    }
}

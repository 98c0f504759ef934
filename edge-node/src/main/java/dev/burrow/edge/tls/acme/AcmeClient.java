package dev.burrow.edge.tls.acme;

import dev.burrow.edge.config.AcmeSettings;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The ACME conversation with one CA, blocking (acme4j): the account (its key kept in the {@link AcmeStore}, so every
 * node and every restart is the same account), and one order per name answered through HTTP-01, whose key
 * authorization is published cluster-wide ({@link Http01Tokens}) so whichever node the CA reaches answers it, or through
 * TLS-ALPN-01 ({@link TlsAlpnAnswers}, answered on the HTTPS port) with {@code --acme-challenge tls-alpn-01}; a
 * wildcard, or a name whose owner delegated its challenge to a record the operator's zone holds, through DNS-01, its TXT
 * record set and cleared by the operator's {@link TxtRecordHook}.
 * Runs on worker threads only.
 */
public final class AcmeClient {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AcmeClient.class);
    /** How long the CA may take to validate a challenge and to issue after the order is finalized. */
    static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(60);

    /** A certificate just issued: the chain (leaf first) and its new key pair, each as PEM. */
    public record Issued(String chainPem, String keyPem, X509Certificate leaf) {
    }

    private final AcmeSettings settings;
    private final AcmeStore store;
    private final Http01Tokens tokens;
    private final TlsAlpnAnswers tlsAnswers;
    private Session session;
    private Login login;

    public AcmeClient(AcmeSettings settings, AcmeStore store, Http01Tokens tokens, TlsAlpnAnswers tlsAnswers) {
        this.settings = settings;
        this.store = store;
        this.tokens = tokens;
        this.tlsAnswers = tlsAnswers;
        registerBouncyCastle();
    }

    /** acme4j signs and builds certificates through the BouncyCastle provider, which must be registered first. */
    static synchronized void registerBouncyCastle() {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    /**
     * Orders a certificate for {@code name} and waits for it (up to a couple of {@link #VALIDATION_TIMEOUT}s).
     *
     * @param route DNS-01 through a hook at a record, or the configured challenge ({@link ChallengeRoutes})
     */
    synchronized Issued issue(String name, ChallengeRoutes.Route route) throws AcmeException, InterruptedException, IOException {
        Order order = login().newOrder().domain(name).create();
        for (Authorization authorization : order.getAuthorizations()) {
            if (authorization.getStatus() != Status.VALID) {
                answer(authorization, name, route);
            }
        }
        KeyPair certificateKey = KeyPairUtils.createECKeyPair("secp256r1");
        order.execute(certificateKey);
        Status status = StatusPoll.until(order, Set.of(Status.VALID, Status.INVALID), VALIDATION_TIMEOUT);
        if (status != Status.VALID) {
            throw new AcmeException("the order for " + name + " ended " + status
                    + order.getError().map(problem -> ": " + problem).orElse(""));
        }
        Certificate certificate = order.getCertificate();
        StringWriter chain = new StringWriter();
        certificate.writeCertificate(chain);
        return new Issued(chain.toString(), pem(certificateKey), certificate.getCertificate());
    }

    /** A challenge whose answer is published, and how to take the answer back once the CA is done. */
    private record Published(Challenge challenge, Runnable withdraw) {
    }

    private void answer(Authorization authorization, String name, ChallengeRoutes.Route route) throws AcmeException, InterruptedException {
        Published published = publish(authorization, name, route);
        try {
            published.challenge().trigger();
            Status status = StatusPoll.until(authorization, Set.of(Status.VALID, Status.INVALID, Status.DEACTIVATED,
                    Status.EXPIRED, Status.REVOKED), VALIDATION_TIMEOUT);
            if (status != Status.VALID) {
                published.challenge().fetch();
                throw new AcmeException("the CA could not validate " + name + " over " + published.challenge().getType()
                        + " (" + status + ")" + published.challenge().getError().map(problem -> ": " + problem).orElse(""));
            }
        } finally {
            published.withdraw().run();
        }
    }

    /** Over DNS-01 when routed there (a wildcard can only be); any other name over the configured challenge. */
    private Published publish(Authorization authorization, String name, ChallengeRoutes.Route route) throws AcmeException, InterruptedException {
        if (route.dns()) {
            return publishTxtRecord(authorization, name, route);
        }
        if (authorization.isWildcard()) {
            throw new AcmeException("a wildcard needs DNS-01 and no DNS hook publishes its record");
        }
        if (settings.challenge().equals(AcmeSettings.TLS_ALPN_01)) {
            TlsAlpn01Challenge tlsAlpn = authorization.findChallenge(TlsAlpn01Challenge.class).orElseThrow(() ->
                    new AcmeException("the CA offers no tls-alpn-01 challenge for " + name));
            tlsAnswers.publish(name, tlsAlpn.getAcmeValidation());
            return new Published(tlsAlpn, () -> tlsAnswers.withdraw(name));
        }
        Http01Challenge http = authorization.findChallenge(Http01Challenge.class).orElseThrow(() ->
                new AcmeException("the CA offers no http-01 challenge for " + name));
        tokens.publish(http.getToken(), http.getAuthorization());
        return new Published(http, () -> tokens.withdraw(http.getToken()));
    }

    /**
     * Through the route's hook, at {@code _acme-challenge.DOMAIN.} or at the delegated record; a set that failed or
     * timed out is cleared too (it may have half happened).
     */
    private Published publishTxtRecord(Authorization authorization, String name, ChallengeRoutes.Route route)
            throws AcmeException, InterruptedException {
        Dns01Challenge dns = authorization.findChallenge(Dns01Challenge.class).orElseThrow(() ->
                new AcmeException("the CA offers no dns-01 challenge for " + name));
        TxtRecordHook hook = route.hook();
        TxtRecordHook.TxtRecord record = new TxtRecordHook.TxtRecord(authorization.getIdentifier().getDomain(), route.txtRecord(),
                dns.getDigest());
        Runnable clear = () -> clearQuietly(hook, record);
        try {
            hook.set(record);
        } catch (AcmeException | InterruptedException | RuntimeException e) {
            clear.run();
            throw e;
        }
        return new Published(dns, clear);
    }

    private void clearQuietly(TxtRecordHook hook, TxtRecordHook.TxtRecord record) {
        try {
            hook.clear(record);
        } catch (AcmeException e) {
            LOG.warn("acme: the TXT record {} stays published: {}", record.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Login login() throws AcmeException, IOException {
        if (login == null) {
            String directory = settings.directory().toString();
            String keyPem = store.accountKey(directory);
            if (keyPem == null) {
                keyPem = store.saveAccountKeyIfAbsent(directory, pem(KeyPairUtils.createECKeyPair("secp256r1")));
            }
            KeyPair accountKey = KeyPairUtils.readKeyPair(new StringReader(keyPem));
            AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            if (settings.email() != null) {
                account.addEmail(settings.email());
            }
            if (settings.eabKid() != null) {
                account.withKeyIdentifier(settings.eabKid(), settings.eabHmacKey());
            }
            login = account.createLogin(session());
        }
        return login;
    }

    private Session session() {
        if (session == null) {
            session = new Session(settings.directory(), new TrustingProvider(settings));
        }
        return session;
    }

    static String pem(KeyPair keyPair) throws IOException {
        StringWriter out = new StringWriter();
        KeyPairUtils.writeKeyPair(keyPair, out);
        return out.toString();
    }

    /** Any https directory; its server certificate checked against {@code --acme-directory-ca} when given. */
    private static final class TrustingProvider extends GenericAcmeProvider {
        private final AcmeSettings settings;

        TrustingProvider(AcmeSettings settings) {
            this.settings = settings;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings network) {
            if (settings.directoryCa() == null) {
                return super.createHttpClient(network);
            }
            return HttpClient.newBuilder().connectTimeout(network.getTimeout()).followRedirects(HttpClient.Redirect.NORMAL)
                    .sslContext(trusting(settings)).build();
        }

        private static SSLContext trusting(AcmeSettings settings) {
            try (InputStream in = Files.newInputStream(settings.directoryCa())) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int index = 0;
                for (java.security.cert.Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("acme-ca-" + index++, ca);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                return context;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --acme-directory-ca " + settings.directoryCa(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("--acme-directory-ca " + settings.directoryCa() + " is not a PEM CA certificate: "
                        + e.getMessage(), e);
            }
        }
    }

    /** The certificates of a PEM chain, leaf first. */
    static List<X509Certificate> parseChain(String chainPem) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(chainPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toList();
    }
}

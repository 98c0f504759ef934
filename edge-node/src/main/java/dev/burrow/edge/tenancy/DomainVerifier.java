package dev.burrow.edge.tenancy;

import dev.burrow.edge.config.TenancySettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.InitialDirContext;
import java.util.Hashtable;

/** Proves that a tenant controls a custom domain. Pluggable: DNS TXT in production, accept-all for tests. */
public interface DomainVerifier {
    /** Succeeds with whether ownership is proven; fails only when the check itself could not run. */
    Future<Boolean> verify(CustomDomain domain);

    static DomainVerifier of(Vertx vertx, String kind) {
        return TenancySettings.VERIFIER_ACCEPT_ALL.equals(kind) ? domain -> Future.succeededFuture(true) : new DnsTxt(vertx);
    }

    /** Looks for the challenge among the TXT records of {@code _burrow-challenge.HOSTNAME} (JNDI DNS, system resolver). */
    final class DnsTxt implements DomainVerifier {
        private final Vertx vertx;

        public DnsTxt(Vertx vertx) {
            this.vertx = vertx;
        }

        @Override
        public Future<Boolean> verify(CustomDomain domain) {
            return vertx.executeBlocking(() -> {
                Hashtable<String, String> env = new Hashtable<>();
                env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
                env.put("com.sun.jndi.dns.timeout.initial", "2000");
                env.put("com.sun.jndi.dns.timeout.retries", "2");
                InitialDirContext dns = new InitialDirContext(env);
                try {
                    Attributes attributes = dns.getAttributes(domain.txtName(), new String[]{"TXT"});
                    Attribute txt = attributes.get("TXT");
                    if (txt == null) {
                        return false;
                    }
                    for (int i = 0; i < txt.size(); i++) {
                        String value = String.valueOf(txt.get(i)).replace("\"", "").trim();
                        if (value.equals(domain.challenge())) {
                            return true;
                        }
                    }
                    return false;
                } catch (javax.naming.NameNotFoundException e) {
                    return false;
                } catch (NamingException e) {
                    throw new TenancyException(TenancyError.STORE_UNAVAILABLE, "cannot look up the TXT record "
                            + domain.txtName() + ": " + e.getMessage());
                } finally {
                    dns.close();
                }
            }, false);
        }
    }
}

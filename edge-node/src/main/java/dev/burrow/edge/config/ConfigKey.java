package dev.burrow.edge.config;

import java.util.Locale;

/** The settings of an edge node, each with one spelling per source: flag, environment variable and YAML key. */
public enum ConfigKey {
    HTTP_PORT("http-port"),
    TUNNEL_PORT("tunnel-port"),
    DOMAIN("domain"),
    TCP_PORTS("tcp-ports"),
    UDP_PORTS("udp-ports"),
    UDP_MAX_DATAGRAM("udp-max-datagram"),
    DATA_DIR("data-dir"),
    AUTHTOKEN("authtoken"),
    BIND_ADDRESS("bind-address"),
    HEARTBEAT_INTERVAL("heartbeat-interval"),
    OFFLINE_GRACE("offline-grace"),
    OPS_PORT("ops-port"),
    DRAIN_TIMEOUT("drain-timeout"),
    CLUSTER_PORT("cluster-port"),
    CLUSTER_MEMBERS("cluster-members"),
    CLUSTER_NAME("cluster-name"),
    CLUSTER_JOIN_WAIT("cluster-join-wait"),
    ADVERTISE_ADDRESS("advertise-address"),
    AGENT_ADVERTISE_ADDRESS("agent-advertise-address"),
    REGION("region"),
    REGION_PEERS("region-peers"),
    RELAY_PORT("relay-port"),
    NODE_ID("node-id"),
    EVENT_LOOPS("event-loops"),
    TLS_CERT("tls-cert"),
    TLS_KEY("tls-key"),
    DB_URL("db-url"),
    DB_USER("db-user"),
    DB_PASSWORD("db-password"),
    OIDC_ISSUER("oidc-issuer"),
    OIDC_AUDIENCE("oidc-audience"),
    DOMAIN_VERIFIER("domain-verifier"),
    PROXY_PROTOCOL("proxy-protocol"),
    PROXY_PROTOCOL_TRUSTED("proxy-protocol-trusted"),
    RESPONSE_TIMEOUT("response-timeout"),
    PIPE_IDLE_TIMEOUT("pipe-idle-timeout"),
    HTTP_HEAD_TIMEOUT("http-head-timeout"),
    HTTP_IDLE_TIMEOUT("http-idle-timeout"),
    HTTP_BODY_IDLE_TIMEOUT("http-body-idle-timeout"),
    HTTP_MAX_HEADER_FIELDS("http-max-header-fields"),
    TCP_KEEPALIVE("tcp-keepalive"),
    HTTPS_PORT("https-port"),
    HTTPS_CERTS("https-certs"),
    ACME_DIRECTORY("acme-directory"),
    ACME_EMAIL("acme-email"),
    ACME_EAB_KID("acme-eab-kid"),
    ACME_EAB_HMAC_KEY("acme-eab-hmac-key"),
    ACME_DIRECTORY_CA("acme-directory-ca"),
    ACME_MAX_PER_TENANT("acme-max-per-tenant"),
    ACME_CHALLENGE("acme-challenge"),
    ACME_DNS_HOOK_COMMAND("acme-dns-hook-command"),
    ACME_DNS_HOOK_URL("acme-dns-hook-url"),
    ACME_DNS_HOOK_TIMEOUT("acme-dns-hook-timeout"),
    ACME_DNS_DELEGATION_ZONE("acme-dns-delegation-zone"),
    ACME_DNS_ZONE_HOOK("acme-dns-zone-hook"),
    ACME_DNS_RESOLVER("acme-dns-resolver"),
    POLICY_FETCH_ALLOW("policy-fetch-allow");

    private final String yamlKey;

    ConfigKey(String yamlKey) {
        this.yamlKey = yamlKey;
    }

    /** The YAML key, for example {@code http-port}. */
    public String yamlKey() {
        return yamlKey;
    }

    /**
     * Whether the setting takes several values: a flag given again adds one, the environment variable separates them
     * with commas, the YAML key may be a list.
     */
    public boolean repeatable() {
        return this == AUTHTOKEN || this == ACME_DNS_ZONE_HOOK;
    }

    /** The command-line flag, for example {@code --http-port}. */
    public String flag() {
        return "--" + yamlKey;
    }

    /** The environment variable, for example {@code BURROW_HTTP_PORT}. */
    public String envVar() {
        return "BURROW_" + yamlKey.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    public static ConfigKey fromYamlKey(String key) {
        for (ConfigKey value : values()) {
            if (value.yamlKey.equals(key)) {
                return value;
            }
        }
        return null;
    }
}

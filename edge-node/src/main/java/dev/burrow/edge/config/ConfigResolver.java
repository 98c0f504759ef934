package dev.burrow.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds an {@link EdgeConfig} from flags, {@code BURROW_*} environment variables, a YAML file and the defaults,
 * in that order of strength. Every bad value is reported as one sentence naming where it came from.
 */
public final class ConfigResolver {
    /** Environment variable naming the YAML file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "BURROW_CONFIG";

    private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);

    private record Setting(String source, List<String> values) {
    }

    private ConfigResolver() {
    }

    /**
     * @param flags      values given on the command line (only the flags that were present)
     * @param env        the process environment
     * @param configFile the {@code --config} file, or null to use {@code BURROW_CONFIG} or no file
     */
    public static EdgeConfig resolve(Map<ConfigKey, List<String>> flags, Map<String, String> env, Path configFile) {
        return load(flags, env, configFile).build().validate();
    }

    /** The multi-tenancy settings from the same sources ({@code --db-url}, {@code --oidc-issuer}, …). */
    public static TenancySettings resolveTenancy(Map<ConfigKey, List<String>> flags, Map<String, String> env, Path configFile) {
        ConfigResolver resolver = load(flags, env, configFile);
        Function<String, String> text = Function.identity();
        return new TenancySettings(new dev.burrow.edge.store.StoreSettings(resolver.get(ConfigKey.DB_URL, text, null),
                resolver.get(ConfigKey.DB_USER, text, null), resolver.get(ConfigKey.DB_PASSWORD, text, null)),
                resolver.get(ConfigKey.OIDC_ISSUER, text, null), resolver.get(ConfigKey.OIDC_AUDIENCE, text, null),
                resolver.get(ConfigKey.DOMAIN_VERIFIER, text, null)).validate();
    }

    /** The UDP endpoint settings, from the same sources as {@link #resolve}. */
    public static UdpSettings resolveUdp(Map<ConfigKey, List<String>> flags, Map<String, String> env, Path configFile) {
        ConfigResolver resolver = load(flags, env, configFile);
        UdpSettings defaults = UdpSettings.defaults();
        return new UdpSettings(resolver.get(ConfigKey.UDP_PORTS, PortRange::parse, defaults.ports()),
                resolver.get(ConfigKey.UDP_MAX_DATAGRAM, ConfigResolver::parseCount, defaults.maxDatagram())).validate();
    }

    private static ConfigResolver load(Map<ConfigKey, List<String>> flags, Map<String, String> env, Path configFile) {
        ConfigResolver resolver = new ConfigResolver();
        Path file = configFile;
        String fileSource = "--config";
        if (file == null && env.get(CONFIG_ENV) != null && !env.get(CONFIG_ENV).isBlank()) {
            file = Path.of(env.get(CONFIG_ENV).trim());
            fileSource = CONFIG_ENV;
        }
        if (file != null) {
            resolver.readYaml(file, fileSource);
        }
        for (ConfigKey key : ConfigKey.values()) {
            String value = env.get(key.envVar());
            if (value != null && !value.isBlank()) {
                List<String> values = key.repeatable()
                        ? Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                        : List.of(value.trim());
                resolver.settings.put(key, new Setting(key.envVar(), values));
            }
        }
        flags.forEach((key, values) -> {
            if (values != null && !values.isEmpty()) {
                resolver.settings.put(key, new Setting(key.flag(), List.copyOf(values)));
            }
        });
        return resolver;
    }

    private void readYaml(Path file, String fileSource) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(fileSource + ": config file " + file.toAbsolutePath() + " does not exist");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must be a mapping of keys such as \"http-port: 8080\"");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            ConfigKey key = ConfigKey.fromYamlKey(field.getKey());
            String source = field.getKey() + " in " + file;
            if (key == null) {
                throw new ConfigException("unknown key \"" + field.getKey() + "\" in " + file + "; known keys: "
                        + Arrays.stream(ConfigKey.values()).map(ConfigKey::yamlKey).toList());
            }
            List<String> values = new ArrayList<>();
            JsonNode node = field.getValue();
            if (node.isArray()) {
                if (!key.repeatable()) {
                    throw new ConfigException(source + " must be a single value, not a list");
                }
                node.forEach(item -> values.add(item.asText()));
            } else if (node.isValueNode() && !node.isNull()) {
                values.add(node.asText());
            } else {
                throw new ConfigException(source + " must be a single value");
            }
            settings.put(key, new Setting(source, values));
        }
    }

    private EdgeConfig build() {
        EdgeConfig defaults = EdgeConfig.defaults();
        return new EdgeConfig(
                get(ConfigKey.HTTP_PORT, ConfigResolver::parsePort, defaults.httpPort()),
                get(ConfigKey.TUNNEL_PORT, ConfigResolver::parsePort, defaults.tunnelPort()),
                get(ConfigKey.DOMAIN, Function.identity(), defaults.domain()),
                get(ConfigKey.TCP_PORTS, PortRange::parse, defaults.tcpPorts()),
                get(ConfigKey.DATA_DIR, Path::of, defaults.dataDir()),
                settings.containsKey(ConfigKey.AUTHTOKEN) ? settings.get(ConfigKey.AUTHTOKEN).values() : defaults.authtokens(),
                get(ConfigKey.BIND_ADDRESS, Function.identity(), defaults.bindAddress()),
                get(ConfigKey.HEARTBEAT_INTERVAL, DurationText::parse, defaults.heartbeatInterval()),
                get(ConfigKey.OFFLINE_GRACE, DurationText::parse, defaults.offlineGrace()),
                get(ConfigKey.OPS_PORT, ConfigResolver::parsePort, defaults.opsPort()),
                get(ConfigKey.DRAIN_TIMEOUT, DurationText::parse, defaults.drainTimeout()),
                new ClusterSettings(
                        get(ConfigKey.CLUSTER_PORT, ConfigResolver::parsePort, ClusterSettings.DEFAULT_PORT),
                        get(ConfigKey.CLUSTER_MEMBERS, ClusterSettings::parseMembers, List.of()),
                        get(ConfigKey.CLUSTER_NAME, Function.identity(), ClusterSettings.DEFAULT_NAME),
                        get(ConfigKey.ADVERTISE_ADDRESS, Function.identity(), null),
                        get(ConfigKey.RELAY_PORT, ConfigResolver::parsePort, 0),
                        get(ConfigKey.NODE_ID, Function.identity(), null),
                        get(ConfigKey.CLUSTER_JOIN_WAIT, DurationText::parse, null),
                        get(ConfigKey.AGENT_ADVERTISE_ADDRESS, Function.identity(), null),
                        get(ConfigKey.REGION, Function.identity(), null),
                        get(ConfigKey.REGION_PEERS, RegionPeer::parseList, List.of())),
                get(ConfigKey.EVENT_LOOPS, ConfigResolver::parseCount, defaults.eventLoops()),
                tlsFiles(),
                new ProxyProtocolSettings(get(ConfigKey.PROXY_PROTOCOL, ConfigResolver::parseBoolean, false),
                        get(ConfigKey.PROXY_PROTOCOL_TRUSTED, ProxyProtocolSettings::parseCidrs, ProxyProtocolSettings.DEFAULT_TRUSTED)),
                new StreamTimeouts(get(ConfigKey.RESPONSE_TIMEOUT, DurationText::parse, StreamTimeouts.DEFAULT_RESPONSE),
                        get(ConfigKey.PIPE_IDLE_TIMEOUT, DurationText::parse, StreamTimeouts.DEFAULT_PIPE_IDLE),
                        get(ConfigKey.HTTP_BODY_IDLE_TIMEOUT, DurationText::parse, StreamTimeouts.DEFAULT_REQUEST_BODY_IDLE)),
                new PublicHttpLimits(get(ConfigKey.HTTP_HEAD_TIMEOUT, DurationText::parse, PublicHttpLimits.DEFAULT_HEAD_TIMEOUT),
                        get(ConfigKey.HTTP_IDLE_TIMEOUT, DurationText::parse, PublicHttpLimits.DEFAULT_IDLE_TIMEOUT),
                        get(ConfigKey.HTTP_MAX_HEADER_FIELDS, ConfigResolver::parseCount, PublicHttpLimits.DEFAULT_MAX_HEADER_FIELDS),
                        get(ConfigKey.TCP_KEEPALIVE, DurationText::parse, PublicHttpLimits.DEFAULT_TCP_KEEPALIVE)),
                new HttpsSettings(get(ConfigKey.HTTPS_PORT, ConfigResolver::parsePort, defaults.https().port()),
                        get(ConfigKey.HTTPS_CERTS, Path::of, defaults.https().certDir()),
                        new AcmeSettings(get(ConfigKey.ACME_DIRECTORY, java.net.URI::create, null),
                                get(ConfigKey.ACME_EMAIL, Function.identity(), null),
                                get(ConfigKey.ACME_EAB_KID, Function.identity(), null),
                                get(ConfigKey.ACME_EAB_HMAC_KEY, Function.identity(), null),
                                get(ConfigKey.ACME_DIRECTORY_CA, Path::of, null),
                                get(ConfigKey.ACME_MAX_PER_TENANT, ConfigResolver::parseCount, AcmeSettings.DEFAULT_MAX_PER_TENANT),
                                get(ConfigKey.ACME_CHALLENGE, Function.identity(), AcmeSettings.HTTP_01),
                                new AcmeSettings.DnsHook(get(ConfigKey.ACME_DNS_HOOK_COMMAND, Path::of, null),
                                        get(ConfigKey.ACME_DNS_HOOK_URL, java.net.URI::create, null),
                                        get(ConfigKey.ACME_DNS_HOOK_TIMEOUT, DurationText::parse, AcmeSettings.DnsHook.DEFAULT_TIMEOUT),
                                        get(ConfigKey.ACME_DNS_DELEGATION_ZONE, Function.identity(), null),
                                        getAll(ConfigKey.ACME_DNS_ZONE_HOOK, DnsZoneHook::parse),
                                        get(ConfigKey.ACME_DNS_RESOLVER, text -> HostPort.parse(text, AcmeSettings.DnsHook.DNS_PORT), null)))),
                get(ConfigKey.POLICY_FETCH_ALLOW, ProxyProtocolSettings::parseCidrs, List.of()));
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("\"" + text + "\" is not true or false");
        };
    }

    private TlsFiles tlsFiles() {
        Path cert = get(ConfigKey.TLS_CERT, Path::of, null);
        Path key = get(ConfigKey.TLS_KEY, Path::of, null);
        return cert == null && key == null ? null : new TlsFiles(cert, key);
    }

    private <T> T get(ConfigKey key, Function<String, T> parser, T defaultValue) {
        Setting setting = settings.get(key);
        if (setting == null) {
            return defaultValue;
        }
        String raw = setting.values().get(setting.values().size() - 1);
        try {
            return parser.apply(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting.source() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException(setting.source() + ": \"" + raw + "\" is not a valid value");
        }
    }

    /** Every value of a repeatable setting, each parsed; empty when it is not given. */
    private <T> List<T> getAll(ConfigKey key, Function<String, T> parser) {
        Setting setting = settings.get(key);
        if (setting == null) {
            return List.of();
        }
        List<T> parsed = new ArrayList<>();
        for (String raw : setting.values()) {
            try {
                parsed.add(parser.apply(raw.trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(setting.source() + ": " + e.getMessage());
            }
        }
        return parsed;
    }

    private static Integer parseCount(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a number");
        }
    }

    private static Integer parsePort(String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a port number; use 1-65535, or 0 to pick a free port");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(port + " is not a port; use 1-65535, or 0 to pick a free port");
        }
        return port;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

}

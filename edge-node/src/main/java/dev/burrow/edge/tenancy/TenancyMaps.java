package dev.burrow.edge.tenancy;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import dev.burrow.edge.store.ChangeLog;
import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.JsonTableStore;

import javax.sql.DataSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The durable tenancy maps of a node's Hazelcast configuration: each backed, write-through, by a table of the
 * tenancy database and loaded eagerly at start, so the cluster's first member reads everything back after a full
 * restart. The live-session map is not durable (sessions end with their links).
 */
public final class TenancyMaps {
    public static final String RESERVATIONS_TABLE = "reservations";
    public static final String DOMAINS_TABLE = "custom_domains";

    private TenancyMaps() {
    }

    public static void configure(Config config, Database database) {
        configure(config, database, null);
    }

    /** {@code changeLog}: where each write is also recorded for the other regions, or null (no regions share the database). */
    public static void configure(Config config, Database database, ChangeLog changeLog) {
        stores(database.dataSource(), changeLog).forEach((map, store) -> durable(config, map, store));
        // Indexed by tenant: the session quota counts a tenant's sessions on every new login (twice), without a scan.
        config.addMapConfig(new MapConfig(TenantSessions.SESSIONS_MAP).setBackupCount(1).setInMemoryFormat(InMemoryFormat.OBJECT)
                .addIndexConfig(new IndexConfig(IndexType.HASH, TenantSessions.TENANT_ATTRIBUTE)));
    }

    /** The store of each durable map, by map name. */
    static Map<String, JsonTableStore<?>> stores(DataSource dataSource, ChangeLog changeLog) {
        Map<String, JsonTableStore<?>> stores = new LinkedHashMap<>();
        stores.put(TenantStore.TENANTS_MAP, new JsonTableStore<>(dataSource, "tenants", Tenant.class, Tenant::id,
                changeLog, TenantStore.TENANTS_MAP));
        stores.put(TenantStore.TOKENS_MAP, new JsonTableStore<>(dataSource, "authtokens", TokenRecord.class,
                TokenRecord::tenantId, changeLog, TenantStore.TOKENS_MAP));
        stores.put(ReservedNames.RESERVATIONS_MAP, new JsonTableStore<>(dataSource, RESERVATIONS_TABLE, Reservation.class,
                Reservation::tenantId, changeLog, ReservedNames.RESERVATIONS_MAP));
        stores.put(ReservedNames.DOMAINS_MAP, new JsonTableStore<>(dataSource, DOMAINS_TABLE, CustomDomain.class,
                CustomDomain::tenantId, changeLog, ReservedNames.DOMAINS_MAP));
        stores.put(OperatorPolicyStore.POLICIES_MAP, new JsonTableStore<>(dataSource, "operator_policies", OperatorPolicy.class,
                OperatorPolicy::tenantColumn, changeLog, OperatorPolicyStore.POLICIES_MAP));
        return stores;
    }

    /**
     * Loads the durable maps (blocking: an eagerly loaded map's first {@code getMap} waits for the database) and
     * creates the session map's proxy, so that no event-loop thread is the first to touch them: the tenancy classes
     * built in the node's constructor then get cached proxies.
     */
    public static void load(com.hazelcast.core.HazelcastInstance hazelcast) {
        for (String map : new String[]{TenantStore.TENANTS_MAP, TenantStore.TOKENS_MAP, ReservedNames.RESERVATIONS_MAP,
                ReservedNames.DOMAINS_MAP, OperatorPolicyStore.POLICIES_MAP}) {
            hazelcast.getMap(map).size();
        }
        hazelcast.getMap(TenantSessions.SESSIONS_MAP);
    }

    private static void durable(Config config, String map, Object store) {
        MapStoreConfig storeConfig = new MapStoreConfig().setEnabled(true).setImplementation(store)
                .setWriteDelaySeconds(0).setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER);
        config.addMapConfig(new MapConfig(map).setBackupCount(1).setMapStoreConfig(storeConfig));
    }
}

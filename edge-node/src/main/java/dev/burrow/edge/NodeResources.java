package dev.burrow.edge;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.chain.PolicySource;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.cluster.RelaySecret;
import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.edge.identity.IdentityKeyRing;
import dev.burrow.edge.pki.AdminToken;
import dev.burrow.edge.pki.DevPki;
import dev.burrow.edge.store.ChangeLog;
import dev.burrow.edge.store.Database;
import dev.burrow.edge.tenancy.TenancyMaps;

/**
 * What a node needs before anything listens, made blocking and in order: the data directory, the relay secret and the
 * identity keys (both from the cluster CA key), the
 * admin token, the tenancy database and change log, and this node's Hazelcast member (joined, tenancy loaded). A
 * failure says what to fix and releases what was made before it.
 */
record NodeResources(DataDirectory dataDirectory, RelaySecret secret, HazelcastInstance hazelcast,
                        Database database, String adminToken, boolean adminTokenCreated, TenancySettings tenancy,
                        ChangeLog changeLog, long changesFrom, dev.burrow.edge.config.UdpSettings udp,
                        dev.burrow.edge.tls.PublicCertificates certificates, PolicySource policySource,
                        IdentityKeyRing identityKeys) {
    NodeResources withPolicySource(PolicySource source) {
        return new NodeResources(dataDirectory, secret, hazelcast, database, adminToken, adminTokenCreated, tenancy,
                changeLog, changesFrom, udp, certificates, source, identityKeys);
    }

    /** Blocking: the data directory, the relay secret, and this node's Hazelcast member (joined). */
    static NodeResources prepare(EdgeConfig config, TenancySettings tenancy, dev.burrow.edge.config.UdpSettings udp) {
        DataDirectory dataDirectory = DataDirectory.prepare(config.dataDir(), config.domain(),
                config.cluster().agentAdvertiseHost() == null
                        ? java.util.List.of(config.cluster().advertiseAddress(), config.bindAddress())
                        : java.util.List.of(config.cluster().advertiseAddress(), config.bindAddress(), config.cluster().agentAdvertiseHost()));
        dev.burrow.edge.tls.PublicCertificates certificates = publicCertificates(config, dataDirectory);
        RelaySecret secret;
        IdentityKeyRing identityKeys;
        try {
            secret = RelaySecret.fromCaKey(dataDirectory.path().resolve(DevPki.CA_KEY));
            identityKeys = IdentityKeyRing.fromCaKey(dataDirectory.path().resolve(DevPki.CA_KEY));
        } catch (java.io.IOException e) {
            throw new EdgeStartException("cannot read the cluster CA key in " + dataDirectory.path() + ": " + e.getMessage(), e);
        }
        AdminToken.Loaded adminToken;
        try {
            adminToken = AdminToken.loadOrCreate(dataDirectory.path());
        } catch (java.io.IOException e) {
            throw new EdgeStartException("cannot read or create the admin token in " + dataDirectory.path() + ": " + e.getMessage(), e);
        }
        Database database;
        try {
            database = Database.open(tenancy.store(), dataDirectory.path());
        } catch (RuntimeException e) {
            throw new EdgeStartException(e.getMessage(), e);
        }
        // Regions sharing a database (--db-url) log their tenancy writes for each other; the log's last seq is read
        // before the maps load, so this node's polls start from what the load already has.
        ChangeLog changeLog = null;
        long changesFrom = 0;
        if (config.cluster().regional() && tenancy.store().url() != null && !tenancy.store().url().isBlank()) {
            changeLog = new ChangeLog(database.dataSource(), config.cluster().region());
            try {
                changesFrom = changeLog.lastSeq();
            } catch (RuntimeException e) {
                database.close();
                throw new EdgeStartException(e.getMessage(), e);
            }
        }
        HazelcastInstance hazelcast;
        try {
            com.hazelcast.config.Config hazelcastConfig = HazelcastSetup.config(config.cluster());
            TenancyMaps.configure(hazelcastConfig, database, changeLog);
            hazelcast = Hazelcast.newHazelcastInstance(hazelcastConfig);
        } catch (RuntimeException e) {
            database.close();
            throw new EdgeStartException("cannot start the cluster member on " + config.cluster().advertiseAddress() + ":"
                    + config.cluster().port() + ": " + e + "; check --cluster-port, --advertise-address and --cluster-members", e);
        }
        try {
            TenancyMaps.load(hazelcast);
        } catch (RuntimeException e) {
            hazelcast.shutdown();
            database.close();
            throw new EdgeStartException("cannot load the tenancy data from " + database.description() + ": " + e.getMessage(), e);
        }
        return new NodeResources(dataDirectory, secret, hazelcast, database, adminToken.token(), adminToken.created(), tenancy,
                changeLog, changesFrom, udp, certificates, null, identityKeys);
    }

    /** Blocking: the HTTPS listener's certificates (operator's directory, --tls-cert, the dev certificate). */
    private static dev.burrow.edge.tls.PublicCertificates publicCertificates(EdgeConfig config, DataDirectory dataDirectory) {
        java.util.List<dev.burrow.edge.tls.PublicCertificates.FilePair> operatorPairs = config.tls() == null ? java.util.List.of()
                : java.util.List.of(new dev.burrow.edge.tls.PublicCertificates.FilePair(config.tls().cert(), config.tls().key()));
        try {
            return new dev.burrow.edge.tls.PublicCertificates(config.https().certDir(), operatorPairs,
                    new dev.burrow.edge.tls.PublicCertificates.FilePair(dataDirectory.pki().serverCert(), dataDirectory.pki().serverKey()),
                    new dev.burrow.edge.tls.PublicCertificates.FilePair(dataDirectory.pki().caCert(), dataDirectory.path().resolve(DevPki.CA_KEY)));
        } catch (java.io.IOException e) {
            throw new EdgeStartException("cannot read the HTTPS certificates: " + e.getMessage(), e);
        }
    }
}

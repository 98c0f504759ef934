package dev.burrow.store;

import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreSettings;
import dev.burrow.edge.tls.acme.AcmeStore;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that writes to the tenancy database as a node does and then waits to be killed: opens the data directory's
 * embedded database through the edge's {@link Database} (same URL, pool and migrations), waits {@code idleMillis},
 * saves {@code rows} certificate rows through {@link AcmeStore} printing {@code saved N} after each save returned,
 * then prints {@code all saved} and sleeps. Args: dataDir rows idleMillis prefix [urlSuffix, appended to the embedded URL].
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        long idleMillis = Long.parseLong(args[2]);
        String prefix = args[3];
        String urlSuffix = args.length > 4 ? args[4] : "";
        StoreSettings settings = urlSuffix.isEmpty() ? StoreSettings.embedded()
                : new StoreSettings(StoreSettings.embedded().effectiveUrl(dataDir) + urlSuffix, null, null);
        Database database = Database.open(settings, dataDir);
        AcmeStore store = new AcmeStore(database.dataSource());
        System.out.println("opened " + database.description() + " holding " + store.all().size() + " row(s)");
        if (rows == 0) {
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        TimeUnit.MILLISECONDS.sleep(idleMillis);
        String chain = "C".repeat(3_000);
        for (int i = 1; i <= rows; i++) {
            long now = System.currentTimeMillis();
            store.save(new AcmeStore.StoredCertificate(prefix + i + ".example.com", "t1", chain, "K".repeat(300), now, now + 90_000, now));
            System.out.println("saved " + i);
        }
        System.out.println("all saved");
        Thread.sleep(Long.MAX_VALUE);
    }
}

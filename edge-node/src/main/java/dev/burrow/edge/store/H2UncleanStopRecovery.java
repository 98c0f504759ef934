package dev.burrow.edge.store;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Finds the newest committed version of an H2 file database that was not closed (the node was killed), before H2 opens
 * it: H2's own recovery (a full scan of the file, {@code MVStore.Builder.recoveryMode()}, as {@code org.h2.tools.Recover}
 * uses), then a normal close, which marks the file clean at that version.
 *
 * <p>Why: H2 2.x (2.2 to 2.5.252 at least) rewrites its store header, when a chunk is written into reused space other
 * than where the previous chunk predicted, with the previous chunk's position instead of the new one
 * ({@code FileStore.storeBuffer} calls {@code writeChunk} before it sets {@code lastChunk}). Space is reused once the
 * old chunks are older than the retention time (45 s), so every commit written after that into a gap can be
 * unreachable from the header; an open after a kill then follows the header and the file's last chunk only, and
 * silently rolls back to an older version: committed rows are lost (docs/tenancy.md, "The store"). The full scan finds
 * every chunk, whichever the header names.
 */
final class H2UncleanStopRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(H2UncleanStopRecovery.class);
    /** H2's store header block: {@code H:2,…,clean:1,…,fletcher:…}, written twice at the start of the file. */
    private static final int HEADER_BLOCK = 4096;
    private static final String CHECKSUM_KEY = ",fletcher:";

    private H2UncleanStopRecovery() {
    }

    /** The {@code .mv.db} file of an H2 file URL ({@code jdbc:h2:file:/x/tenancy;…} → {@code /x/tenancy.mv.db}), or null. */
    static Path fileOf(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        String path;
        if (lower.startsWith("jdbc:h2:file:")) {
            path = jdbcUrl.substring("jdbc:h2:file:".length());
        } else if (lower.startsWith("jdbc:h2:/")) {
            path = jdbcUrl.substring("jdbc:h2:".length());
        } else {
            return null;
        }
        int settings = path.indexOf(';');
        path = settings < 0 ? path : path.substring(0, settings);
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Path.of(path + ".mv.db");
    }

    /** Blocking. True when the file existed without H2's clean mark and was recovered. */
    static boolean recoverIfNotClosed(Path file) {
        if (!Files.isRegularFile(file) || closedCleanly(file)) {
            return false;
        }
        long started = System.nanoTime();
        // recoveryMode: ignore the header's idea of the newest chunk and scan every block for complete chunks.
        MVStore store = new MVStore.Builder().fileName(file.toString()).recoveryMode().autoCommitDisabled().open();
        long version = store.getCurrentVersion();
        store.close();
        LOG.info("{} was not closed (the node stopped without closing it): its newest committed version ({}) found by a full "
                + "scan in {} ms", file, version, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** H2 marks the header {@code clean:1} when it closes the file; a header without it, or torn, is not clean. */
    static boolean closedCleanly(Path file) {
        byte[] block = new byte[HEADER_BLOCK];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(block, 0, HEADER_BLOCK) < HEADER_BLOCK) {
                return false;
            }
        } catch (IOException e) {
            throw new StoreException("cannot read the database file " + file + ": " + e.getMessage(), e);
        }
        String text = new String(block, StandardCharsets.ISO_8859_1);
        int checksumAt = text.indexOf(CHECKSUM_KEY);
        int end = text.indexOf('\n');
        if (checksumAt < 0 || end < checksumAt) {
            return false;
        }
        try {
            int checksum = (int) Long.parseLong(text.substring(checksumAt + CHECKSUM_KEY.length(), end), 16);
            if (checksum != DataUtils.getFletcher32(block, 0, checksumAt)) {
                return false;
            }
            String clean = DataUtils.parseMap(text.substring(0, checksumAt)).get("clean");
            return clean != null && Long.parseLong(clean, 16) != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}

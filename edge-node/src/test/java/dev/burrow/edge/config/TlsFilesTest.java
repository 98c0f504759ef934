package dev.burrow.edge.config;

import dev.burrow.edge.EdgeMainProbe;
import dev.burrow.edge.pki.DevPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --tls-cert / --tls-key are checked at start, each problem in one sentence naming the flag and the file. */
class TlsFilesTest {
    @TempDir
    Path dir;

    @Test
    void aMatchingPairIsAcceptedFromFlagsEnvironmentAndYaml() throws Exception {
        DevPki pki = DevPki.ensure(dir.resolve("a"), "localhost");
        EdgeConfig fromFlags = ConfigResolver.resolve(Map.of(ConfigKey.TLS_CERT, List.of(pki.serverCert().toString()),
                ConfigKey.TLS_KEY, List.of(pki.serverKey().toString())), Map.of(), null);
        assertEquals(new TlsFiles(pki.serverCert().toAbsolutePath(), pki.serverKey().toAbsolutePath()), fromFlags.tls());

        EdgeConfig fromEnv = ConfigResolver.resolve(Map.of(), Map.of("BURROW_TLS_CERT", pki.serverCert().toString(),
                "BURROW_TLS_KEY", pki.serverKey().toString()), null);
        assertEquals(pki.serverCert().toAbsolutePath(), fromEnv.tls().cert());

        Path yaml = dir.resolve("edge.yml");
        Files.writeString(yaml, "tls-cert: " + pki.serverCert() + "\ntls-key: " + pki.serverKey() + "\n");
        assertEquals(pki.serverKey().toAbsolutePath(), ConfigResolver.resolve(Map.of(), Map.of(), yaml).tls().key());

        assertEquals(null, ConfigResolver.resolve(Map.of(), Map.of(), null).tls(), "no flags: the dev certificate");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        DevPki a = DevPki.ensure(dir.resolve("a"), "localhost");
        DevPki b = DevPki.ensure(dir.resolve("b"), "localhost");
        ConfigException e = assertThrows(ConfigException.class, () -> new TlsFiles(a.serverCert(), b.serverKey()).validate());
        assertTrue(e.getMessage().startsWith("--tls-key " + b.serverKey().toAbsolutePath() + " does not match the certificate in --tls-cert "
                + a.serverCert().toAbsolutePath()), e.getMessage());
    }

    @Test
    void missingOrWrongFilesAreNamed() throws Exception {
        DevPki a = DevPki.ensure(dir.resolve("a"), "localhost");
        Path missing = dir.resolve("nope.pem");
        assertEquals("--tls-cert " + missing + " does not exist or is not a file",
                assertThrows(ConfigException.class, () -> new TlsFiles(missing, a.serverKey()).validate()).getMessage());
        assertEquals("--tls-cert is given without --tls-key; give both, or neither to use the dev certificate",
                assertThrows(ConfigException.class, () -> new TlsFiles(a.serverCert(), null).validate()).getMessage());
        String swapped = assertThrows(ConfigException.class, () -> new TlsFiles(a.serverKey(), a.serverCert()).validate()).getMessage();
        assertTrue(swapped.startsWith("--tls-cert " + a.serverKey().toAbsolutePath() + " is not a PEM certificate chain"), swapped);
    }

    @Test
    void theCommandExitsWith2AndOneLineForABadPair() throws Exception {
        DevPki a = DevPki.ensure(dir.resolve("a"), "localhost");
        DevPki b = DevPki.ensure(dir.resolve("b"), "localhost");
        EdgeMainProbe.Result result = EdgeMainProbe.run("--tls-cert", a.serverCert().toString(), "--tls-key", b.serverKey().toString(),
                "--data-dir", dir.resolve("data").toString());
        assertEquals(2, result.exitCode());
        assertEquals(1, result.stderrLines().size(), result.stderrLines().toString());
        assertTrue(result.stderrLines().get(0).startsWith("burrow-edge: --tls-key "), result.stderrLines().get(0));
        assertTrue(result.stderrLines().get(0).contains("does not match the certificate in --tls-cert"), result.stderrLines().get(0));
    }
}

package dev.burrow.agent;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an application on the module path sees of the SDK: the API package, nothing of the machinery behind it. */
class ModuleBoundaryTest {

    @Test
    void onlyTheApiPackageIsExportedAndNothingIsOpened() throws Exception {
        ModuleDescriptor module;
        Path classes = Path.of(BurrowSession.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
        assertEquals("dev.burrow.sdk", module.name());
        Set<String> exported = module.exports().stream().map(e -> e.source() + (e.isQualified() ? " to " + e.targets() : ""))
                .collect(Collectors.toSet());
        assertEquals(Set.of("dev.burrow.agent"), exported);
        assertTrue(module.opens().isEmpty(), "opens: " + module.opens());
        assertTrue(Files.isDirectory(classes.resolve("dev/burrow/agent/internal")), "the machinery is in the module, unexported");
    }
}

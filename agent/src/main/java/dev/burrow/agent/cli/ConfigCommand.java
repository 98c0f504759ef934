package dev.burrow.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** {@code burrow config check} and {@code burrow config add-authtoken TOKEN}. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Check the config files, or save the authtoken in one.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.AddAuthtoken.class})
final class ConfigCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    @Override
    public void run() {
        throw new IllegalArgumentException("missing subcommand: burrow config check or burrow config add-authtoken TOKEN");
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate the config files; "
            + "every problem is printed with file, line and the fix (exit 1 if any).")
    static final class Check implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Option(names = "--config", paramLabel = "FILE", description = "Config file to check; repeatable (default "
                + ConfigFile.DEFAULT_PLACE + ").")
        List<String> config;

        @Override
        public Integer call() {
            Map<String, String> env = parent.cli.environment();
            List<Path> paths = ConfigFile.paths(config, env);
            String source = ConfigFile.source(config, env);
            ConfigFile file;
            try {
                file = ConfigFile.load(paths, true);
            } catch (ConfigException e) {
                e.problems().forEach(problem -> parent.cli.err().println("ERROR: " + problem));
                parent.cli.err().println("ERROR: " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s")
                        + " in the config (" + source + ")");
                return BurrowCli.EXIT_FAILURE;
            }
            parent.cli.out().println("Valid configuration: " + String.join(", ", file.files().stream().map(Path::toString).toList())
                    + " (" + source + "; " + file.endpoints().size() + " endpoint" + (file.endpoints().size() == 1 ? "" : "s")
                    + (file.endpoints().isEmpty() ? "" : ": " + String.join(", ", file.endpoints().keySet())) + ")");
            return 0;
        }
    }

    @Command(name = "add-authtoken", mixinStandardHelpOptions = true,
            description = "Save TOKEN as agent.authtoken in the config file (created with mode 0600 if missing).")
    static final class AddAuthtoken implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Parameters(index = "0", paramLabel = "TOKEN", description = "The authtoken the edge gave you.")
        String token;

        @Option(names = "--config", paramLabel = "FILE", description = "The file to write (default " + ConfigFile.DEFAULT_PLACE + ").")
        String config;

        @Override
        public Integer call() throws IOException {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("the authtoken is empty");
            }
            Path path = config != null ? Path.of(config) : ConfigFile.defaultPath(parent.cli.environment());
            writeAuthtoken(path, token.trim());
            parent.cli.out().println("Authtoken saved to configuration file: " + path);
            return 0;
        }
    }

    /** Sets agent.authtoken, keeping the file's other settings (comments are not kept); the file ends up 0600. */
    static void writeAuthtoken(Path path, String token) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        ObjectNode root;
        if (Files.exists(path)) {
            ConfigFile.load(path, true);
            JsonNode existing = yaml.readTree(path.toFile());
            root = existing instanceof ObjectNode object ? object : yaml.createObjectNode();
        } else {
            root = yaml.createObjectNode();
        }
        if (!root.has("version")) {
            ObjectNode ordered = yaml.createObjectNode().put("version", ConfigSchema.VERSION);
            ordered.setAll(root);
            root = ordered;
        }
        JsonNode agent = root.get("agent");
        ObjectNode agentNode = agent instanceof ObjectNode object ? object : root.putObject("agent");
        agentNode.put("authtoken", token);
        Path parent = path.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(parent)) {
            if (posix) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(parent);
            }
        }
        Path temp = posix
                ? Files.createTempFile(parent, ".burrow-", ".yml", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(parent, ".burrow-", ".yml");
        try {
            yaml.writeValue(temp.toFile(), root);
            try {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        if (posix) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
    }
}

package dev.burrow.agent.cli;

import java.nio.file.Path;

/** A setting's text and where it was written, so later checks can still name the file and line. */
record ConfigValue(String text, Path file, int line) {

    String where() {
        return file + ":" + line;
    }

    /** A relative path in a config file means relative to that file's directory. */
    Path path() {
        Path value = Path.of(text);
        return value.isAbsolute() || file.getParent() == null ? value : file.getParent().resolve(value);
    }

    @Override
    public String toString() {
        return "ConfigValue[" + where() + "]";
    }
}

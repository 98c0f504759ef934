package dev.burrow.agent.cli;

import java.nio.file.Path;

/** One thing wrong in a config file: where, what, and how to fix it, as one line. */
record ConfigProblem(Path file, int line, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
}

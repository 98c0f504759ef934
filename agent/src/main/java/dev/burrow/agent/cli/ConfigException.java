package dev.burrow.agent.cli;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the config files at once (so a user fixes them in one go); an invalid-argument failure. */
final class ConfigException extends IllegalArgumentException {
    private final List<ConfigProblem> problems;

    ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    List<ConfigProblem> problems() {
        return problems;
    }
}

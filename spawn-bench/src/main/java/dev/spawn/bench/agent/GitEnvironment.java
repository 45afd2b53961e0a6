package dev.spawn.bench.agent;

import java.util.List;
import java.util.Map;

/**
 * The git variables that point git at a repository, index, object store or configuration other
 * than the one its working directory is in. A git hook, or a shell inside one, sets them for the
 * user's repository; inherited by the fixture's git or by the timed git calls, they would make
 * those act on the user's repository instead of the fixture's.
 */
final class GitEnvironment {
    /** What {@code git rev-parse --local-env-vars} lists: git itself drops these on entering another repository. */
    private static final List<String> REPOSITORY_VARIABLES = List.of("GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY", "GIT_DIR",
            "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS",
            "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR");

    private GitEnvironment() {
    }

    /** Removes the repository-locating variables, and the config entries GIT_CONFIG_COUNT numbers, from {@code env}. */
    static void removeRepositoryVariables(Map<String, String> env) {
        env.keySet().removeIf(name -> REPOSITORY_VARIABLES.contains(name) || name.startsWith("GIT_CONFIG_KEY_")
                || name.startsWith("GIT_CONFIG_VALUE_"));
    }
}

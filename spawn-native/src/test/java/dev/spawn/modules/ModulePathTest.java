package dev.spawn.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors at work: the tests run on the class path (the surefire setting), so this
 * one starts a JVM with spawn-api, spawn-native, JNA and slf4j on the module path. It fails when
 * a descriptor lacks a {@code uses}/{@code provides} (no native backend is found), when JNA cannot
 * load the shim from a named module, or when an internal package leaks out.
 */
class ModulePathTest {

    @Test
    void theLibraryWorksAsModulesAndExportsOnlyItsApi() throws Exception {
        List<String> classPath = Arrays.asList(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator));
        String testClasses = only(classPath, "spawn-native/target/test-classes");
        List<String> modulePath = new ArrayList<>();
        modulePath.add(only(classPath, "spawn-native/target/classes"));
        modulePath.add(only(classPath, "spawn-api/target/"));
        modulePath.add(only(classPath, "/jna-"));
        modulePath.add(only(classPath, "/slf4j-api-"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(java.toString(), "--module-path", String.join(File.pathSeparator, modulePath),
                // only the API as a root: the launcher's service binding must pull the backends in
                "--add-modules", "dev.spawn", "-cp", testClasses, ModulePathMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, jvm.exitValue(), output);
        List<String> lines = output.lines().filter(l -> l.startsWith(ModulePathMain.REPORT))
                .map(l -> l.substring(ModulePathMain.REPORT.length())).collect(Collectors.toList());
        assertEquals(List.of("api=dev.spawn", "native=dev.spawn.linux", "backend=USERSPACE", "out=hello from a module",
                "exit=0", "internal exported=false", "linux exported=false"), lines, output);
    }

    private static String only(List<String> entries, String part) {
        List<String> found = entries.stream().filter(e -> e.replace(File.separatorChar, '/').contains(part))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "one class path entry with " + part + ": " + found);
        assertTrue(Files.exists(Path.of(found.get(0))), found.get(0));
        return found.get(0);
    }
}

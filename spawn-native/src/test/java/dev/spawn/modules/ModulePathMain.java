package dev.spawn.modules;

import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run by {@link ModulePathTest} in a JVM that has the library on the module path and this class
 * on the class path, as an application that is not itself a module would use it.
 */
public final class ModulePathMain {
    /** Marks this program's own lines among the JVM's warnings (JDK 24+ warns about JNA's native access). */
    static final String REPORT = "module-check: ";

    private ModulePathMain() {
    }

    public static void main(String[] args) throws Exception {
        Module api = Spawner.class.getModule();
        try (SpawnTemplate echo = Spawner.system().template(Path.of("/bin/echo"))) {
            SpawnedProcess child = echo.spawn("echo", "hello from a module");
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            System.out.println(REPORT + "api=" + api.getName());
            System.out.println(REPORT + "native=" + child.getClass().getModule().getName());
            System.out.println(REPORT + "backend=" + child.backend());
            System.out.println(REPORT + "out=" + out);
            System.out.println(REPORT + "exit=" + child.waitFor());
            System.out.println(REPORT + "internal exported=" + api.isExported("dev.spawn.internal"));
            System.out.println(REPORT + "linux exported=" + child.getClass().getModule().isExported("dev.spawn.linux"));
        }
    }
}

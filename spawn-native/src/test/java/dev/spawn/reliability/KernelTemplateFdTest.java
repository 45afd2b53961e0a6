package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * In the RFC kernel only (the VM suite): a template fd handed to another process cannot spawn.
 * The template's fd, found by its {@code anon_inode:spawn_template} link, is passed to a probe
 * child at fd 100 (inheritFds + dup2); the probe calls spawn_template_spawn on it and prints the
 * errno: EACCES (13), because a template serves only the credentials that created it.
 */
@Tag("kernel")
class KernelTemplateFdTest {
    private static final int EACCES = 13;

    @Test
    void aTemplateFdSentToAnotherProcessCannotSpawn() throws Exception {
        Spawner kernel = Spawner.using(Backend.KERNEL_TEMPLATE);
        Map<Integer, String> before = ProcState.fds();
        try (SpawnTemplate probe = kernel.template(Probes.probe())) {
            List<Integer> templateFds = new ArrayList<>();
            ProcState.fds().forEach((fd, target) -> {
                if (target.equals("anon_inode:spawn_template") && !target.equals(before.get(fd))) {
                    templateFds.add(fd);
                }
            });
            assertEquals(1, templateFds.size(), "the template's fd: " + ProcState.fds());
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "tmplspawn", "100")
                    .action(SpawnAction.dup2(templateFds.get(0), 100)).inheritFds(true).build());
            assertEquals(Backend.KERNEL_TEMPLATE, child.backend());
            assertEquals(new Probes.Result(0, "errno=" + EACCES + "\n", ""), Probes.finish(child));
        }
    }
}

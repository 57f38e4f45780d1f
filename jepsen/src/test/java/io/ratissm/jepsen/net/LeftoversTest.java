package io.ratissm.jepsen.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.Awaits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crashed harness leaves behind is found and removed by the next run's sweep. Needs root (and, since the sweep
 * removes every harness namespace and disk on the host, no harness run at the same time).
 */
class LeftoversTest {

    @Test
    void sweepKillsProcessesInHarnessNamespacesAndRemovesNamespacesAndLinks() throws Exception {
        assumeTrue(Networks.whyNoNamespaces() == null, "needs root, ip and iptables");
        String ns = Leftovers.PREFIX + "-crashed";
        HostCommand.run("ip", "netns", "add", ns);
        HostCommand.run(
                "ip",
                "link",
                "add",
                Leftovers.PREFIX + "-h-crashed",
                "type",
                "veth",
                "peer",
                "name",
                Leftovers.PREFIX + "-e-crashed");
        // A paused process left inside the namespace, like a replica SIGSTOPped when the harness died.
        Process orphan = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "600").start();
        // Stopped before 'ip netns exec' entered the namespace, it would be no process of the namespace to sweep.
        Awaits.await(
                "the orphan inside " + ns,
                Duration.ofSeconds(30),
                () -> List.of(HostCommand.run("ip", "netns", "pids", ns).split("\\s+"))
                        .contains(Long.toString(orphan.pid())));
        HostCommand.run("kill", "-STOP", Long.toString(orphan.pid()));
        assertThat(Leftovers.namespaces()).contains(ns);

        Leftovers.sweep();

        assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).as("orphan killed").isTrue();
        assertThat(Leftovers.namespaces()).doesNotContain(ns);
        assertThat(Leftovers.links()).isEmpty();
    }

    @Test
    void sweepUnmountsTheDisksACrashedRunLeftMounted(@TempDir Path dir) throws Exception {
        assumeTrue(Networks.whyNoNamespaces() == null, "needs root, ip and iptables");
        Path mountPoint = Files.createDirectories(dir.resolve("storage of n1"));
        HostCommand.run(
                "mount", "-t", "tmpfs", "-o", "size=1m", Leftovers.PREFIX + "-disk-crashed", mountPoint.toString());
        assertThat(Leftovers.mounts())
                .as("a path with a space, escaped in the mount table")
                .contains(mountPoint.toString());

        Leftovers.sweep();

        assertThat(Leftovers.mounts()).isEmpty();
        assertThat(HostCommand.run("cat", "/proc/self/mounts")).doesNotContain(Leftovers.PREFIX + "-disk-crashed");
    }

    @Test
    void mountTableEscapesAreDecoded() {
        assertThat(Leftovers.unescape("/tmp/a\\040b\\011c\\134d")).isEqualTo("/tmp/a b\tc\\d");
        assertThat(Leftovers.unescape("/tmp/plain\\04")).isEqualTo("/tmp/plain\\04");
    }

    @Test
    void aNamespaceNetworkConnectsItsNodesAndLeavesNothingBehind() {
        assumeTrue(Networks.whyNoNamespaces() == null, "needs root, ip and iptables");
        try (NamespaceNetwork net = NamespaceNetwork.create(java.util.List.of("n1", "n2"))) {
            assertThat(Leftovers.namespaces()).containsExactlyInAnyOrder("rsmj-n1", "rsmj-n2");
            assertThat(net.host("n1")).isNotEqualTo(net.host("n2"));
            net.partition(java.util.Map.of("n1", java.util.Set.of("n2")));
            assertThat(HostCommand.run("ip", "netns", "exec", "rsmj-n1", "iptables", "-S", "INPUT"))
                    .contains("-s " + net.host("n2") + "/32 -j DROP");
            net.heal();
            assertThat(HostCommand.run("ip", "netns", "exec", "rsmj-n1", "iptables", "-S", "INPUT"))
                    .doesNotContain("DROP");
        }
        assertThat(Leftovers.namespaces()).isEmpty();
        assertThat(Leftovers.links()).isEmpty();
    }
}

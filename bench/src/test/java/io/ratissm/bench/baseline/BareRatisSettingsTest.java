package io.ratissm.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.server.ServerSettings;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.ratis.conf.RaftProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline is tuned exactly as a ratis-sm replica with its default settings: same Ratis keys, same values. It
 * fails when ratis-sm changes a Ratis setting or a default and {@link BareRatisSettings} was not changed with it.
 */
class BareRatisSettingsTest {

    @Test
    void theBaselineConstantsAreTheReplicaBuildersDefaults() throws Exception {
        ReplicaServer.Builder defaults = ReplicaServer.builder();
        assertThat((long) field(defaults, "snapshotEvery")).isEqualTo(BareRatisSettings.SNAPSHOT_EVERY);
        assertThat((long) (int) field(defaults, "maxCommandBytes")).isEqualTo(BareRatisSettings.MAX_COMMAND_BYTES);
        assertThat((Duration) field(defaults, "electionTimeout"))
                .isEqualTo(Duration.ofMillis(BareRatisSettings.ELECTION_TIMEOUT_MILLIS));
        assertThat((long) field(defaults, "logSegmentBytes")).isEqualTo(BareRatisSettings.LOG_SEGMENT_BYTES);
    }

    @Test
    void theBaselineGetsEveryRatisPropertyOfADefaultReplica(@TempDir Path dir) throws Exception {
        ServerSettings replica = new ServerSettings(
                "n1",
                GroupSpec.parse("bench", List.of("n1=127.0.0.1:7001")),
                dir,
                Replication.ACTIVE,
                BareRatisSettings.SNAPSHOT_EVERY,
                (int) BareRatisSettings.MAX_COMMAND_BYTES,
                Duration.ofMillis(BareRatisSettings.ELECTION_TIMEOUT_MILLIS),
                BareRatisSettings.LOG_SEGMENT_BYTES,
                10_000,
                Duration.ofMinutes(10),
                100_000,
                Map.of(),
                null,
                false);

        Map<String, String> expected = entries(replica.raftProperties());
        assertThat(expected).as("the replica sets Ratis properties").hasSizeGreaterThan(10);
        assertThat(entries(BareRatisSettings.forServer(dir, 7001))).isEqualTo(expected);
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    /** Every key and value set on {@code p} (Ratis offers no public way to list them). */
    private static Map<String, String> entries(RaftProperties p) throws ReflectiveOperationException {
        Method entrySet = RaftProperties.class.getDeclaredMethod("entrySet");
        entrySet.setAccessible(true);
        Map<String, String> out = new TreeMap<>();
        for (Object e : (Set<?>) entrySet.invoke(p)) {
            Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
            out.put((String) entry.getKey(), (String) entry.getValue());
        }
        return out;
    }
}

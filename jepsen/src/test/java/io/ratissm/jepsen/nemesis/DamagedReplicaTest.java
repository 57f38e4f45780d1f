package io.ratissm.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.FreePorts;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.jepsen.nodes.NodeMain;
import io.ratissm.jepsen.nodes.StateMachineKind;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A harness replica ({@link NodeMain}) whose log the corrupt nemesis damaged refuses to start with the exit code of
 * {@code ratis-sm server}'s refusal, 11, so that the nemesis can tell it from any other failure and follow the
 * operator's procedure. The storage is a real one-replica group's.
 */
class DamagedReplicaTest {

    @Test
    void aReplicaWhoseLogDoesNotReadExitsWithTheStorageRefusalCode(@TempDir Path storage) throws Exception {
        String peers = "n1=127.0.0.1:" + FreePorts.next();
        try (ReplicaServer server = ReplicaServer.builder()
                        .id("n1")
                        .peers(peers)
                        .storage(storage)
                        .stateMachine(StateMachineKind.COUNTER.factory())
                        .build()
                        .start();
                ReplicaClient client = ReplicaClient.builder()
                        .peers(peers)
                        .timeout(Duration.ofSeconds(20))
                        .build()) {
            for (int i = 0; i < 10; i++) {
                client.submit(Counter.add(1), CounterValue.parser());
            }
        }
        Optional<Path> segment = StorageDamage.newestSegment(storage);
        assertThat(segment).as("the replica's log under %s", storage).isPresent();
        StorageDamage.flipInEntry(segment.get(), new Random(1));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;

        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new NodeMain())
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .execute(
                            "--id",
                            "n1",
                            "--peers",
                            peers,
                            "--storage",
                            storage.toString(),
                            "--state-machine",
                            "counter",
                            "--status-file",
                            storage.resolveSibling(storage.getFileName() + ".status")
                                    .toString());
        } finally {
            System.setErr(stderr);
        }

        assertThat(exit).as("exit code; standard error: %s", err).isEqualTo(NodeMain.REPLACE_STORAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "refused to start on its storage",
                        "its log does not read",
                        segment.get().toString());
    }
}

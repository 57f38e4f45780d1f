package io.ratissm.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.FreePorts;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.cli.ServerCommand;
import io.ratissm.jepsen.nodes.NodeProcess;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A harness replica ({@code ratis-sm server}) whose log the corrupt nemesis damaged refuses to start with the exit code
 * the nemesis takes for the storage refusal ({@link NodeProcess#REPLACE_STORAGE}), so that the nemesis can tell it
 * from any other failure and follow the operator's procedure. The storage is a real one-replica group's.
 */
class DamagedReplicaTest {

    @Test
    void aReplicaWhoseLogDoesNotReadExitsWithTheStorageRefusalCode(@TempDir Path storage) throws Exception {
        String peers = "n1=127.0.0.1:" + FreePorts.next();
        try (ReplicaServer server = ReplicaServer.builder()
                        .id("n1")
                        .peers(peers)
                        .storage(storage)
                        .stateMachine(Counter::new)
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
        Path config = storage.resolveSibling(storage.getFileName() + ".properties");
        Files.writeString(
                config,
                "id = n1\npeers = " + peers + "\nstorage = " + storage + "\nstate-machine = counter\n",
                StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;

        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new ServerCommand()).execute("--config", config.toString());
        } finally {
            System.setErr(stderr);
        }

        assertThat(exit).as("exit code; standard error: %s", err).isEqualTo(NodeProcess.REPLACE_STORAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "ratis-sm server: ",
                        "its log does not read",
                        segment.get().toString());
    }
}

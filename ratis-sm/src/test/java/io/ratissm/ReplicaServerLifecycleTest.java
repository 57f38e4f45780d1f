package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building a replica takes nothing; start takes the resources once, close gives them back. */
class ReplicaServerLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void buildingCreatesNothingOnDiskAndOpensNoPortNorThread() throws IOException {
        int raftPort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path storage = dir.resolve("absent").resolve("n1");

        ReplicaServer server = builder(raftPort, storage).httpPort(httpPort).build();

        assertThat(dir.resolve("absent")).doesNotExist();
        assertThat(canBind(raftPort)).as("the Raft port is free").isTrue();
        assertThat(canBind(httpPort)).as("the HTTP port is free").isTrue();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().endsWith("-" + server.id()));
        assertThat(server.health()).isEqualTo(Health.unhealthy("the replica is not started"));
        assertThat(server.status().role()).isEqualTo(Role.STOPPED);
        assertThat(server.httpPort()).isEmpty();
        assertThatThrownBy(server::takeSnapshot).isInstanceOf(IOException.class).hasMessageContaining("not started");
    }

    @Test
    void closingAReplicaThatNeverStartedLeavesNothingAndEndsItsWait() throws Exception {
        Path storage = dir.resolve("n1");
        ReplicaServer server = builder(FreePorts.next(), storage).build();

        server.close();
        server.close();

        assertThat(server.isStopped()).isTrue();
        server.awaitStopped();
        assertThat(storage).doesNotExist();
        assertThat(server.health()).isEqualTo(Health.unhealthy("the replica is stopped"));
        assertThatThrownBy(server::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining("build a new ReplicaServer");
        assertThat(storage).as("a refused start creates nothing").doesNotExist();
    }

    @Test
    void startCreatesTheStorageAndTakesThePortsAndCloseGivesThemBack() throws Exception {
        int raftPort = FreePorts.next();
        int httpPort = FreePorts.next();
        Path storage = dir.resolve("absent").resolve("n1");
        ReplicaServer server = builder(raftPort, storage).httpPort(httpPort).build();

        try (server) {
            server.start();
            assertThat(storage).isDirectory();
            assertThat(canBind(raftPort)).as("the Raft port is taken").isFalse();
            assertThat(server.httpPort()).hasValue(httpPort);
            Awaits.await("the single replica leads", Duration.ofSeconds(20), server::isLeader);
            assertThatThrownBy(server::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
        }

        assertThat(server.isStopped()).isTrue();
        Awaits.await("the ports are free again", Duration.ofSeconds(10), () -> canBind(raftPort) && canBind(httpPort));
        assertThatThrownBy(server::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aBuilderValueOutsideItsBoundIsRefusedByName() {
        assertThatThrownBy(() -> builder(7001, dir)
                        .electionTimeout(Duration.ofMillis(10))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("electionTimeout must be at least 50ms, was 10ms");
        assertThatThrownBy(() -> builder(7001, dir).logSegmentBytes(100).build())
                .hasMessage("logSegmentBytes must be at least 1KiB, was 100");
    }

    private static ReplicaServer.Builder builder(int port, Path storage) {
        return ReplicaServer.builder()
                .id("inert")
                .peers("inert=127.0.0.1:" + port)
                .storage(storage)
                .stateMachine(NonNegativeCounter::new)
                .electionTimeout(Duration.ofMillis(300));
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client of a group whose every replica fail-stopped (a command whose {@code apply}, or in PASSIVE mode whose
 * {@code applyUpdate}, throws everywhere) is told so at once, with the state machine's exception and the log index,
 * not only that the group did not answer; and it is told honestly what became of its command.
 */
class FailStoppedGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far longer than the test: a failure that comes from the timeout would not be a FailStoppedException. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);

    private static final Pattern INDEX = Pattern.compile("at log index (\\d+)");

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aClientOfAGroupWhoseReplicasAllFailStoppedGetsTheReasonAndTheLogIndexAtOnce(Replication mode)
            throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .replication(mode)
                        .stateMachinePerReplica(PoisonCommandTest.throwingFrom1000(mode, new AtomicBoolean()))
                        .start();
                ReplicaClient poisoner = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(CLIENT_TIMEOUT)
                        .build()) {
            assertThat(decode(poisoner.submit(add(1)))).isEqualTo(1);
            CompletableFuture<ByteString> poison = poisoner.submitAsync(add(1000));
            for (ReplicaServer r : cluster.replicas()) {
                Awaits.await(r.id() + " fail-stops", WAIT, () -> !r.health().healthy());
            }
            Matcher at = INDEX.matcher(cluster.replica("n1").health().reason());
            assertThat(at.find()).isTrue();
            long poisonIndex = Long.parseLong(at.group(1));

            // The poison command is in the log, not applied: its outcome is unknown, and the client says where it is.
            Throwable poisoned = catchThrowable(() -> poison.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(poisoned).isInstanceOf(ExecutionException.class);
            FailStoppedException inLog = (FailStoppedException) poisoned.getCause();
            assertThat(inLog.outcomeUnknown()).isTrue();
            assertThat(inLog.commandIndex()).hasValue(poisonIndex);
            assertThat(inLog.getMessage())
                    .contains("fail-stopped")
                    .contains("simulated bug")
                    .contains("at log index " + poisonIndex)
                    .contains("the command is in the log at index " + poisonIndex + " but was not applied");

            long lastLogIndex = cluster.replica("n1").lastLogIndex();
            try (ReplicaClient client = ReplicaClient.builder()
                    .peers(cluster.peers())
                    .timeout(CLIENT_TIMEOUT)
                    .build()) {
                long start = System.nanoTime();
                Throwable command = catchThrowable(() -> client.submit(add(1)));
                Throwable query = catchThrowable(() -> client.query(NonNegativeCounter.get()));
                Throwable stale = catchThrowable(() -> client.queryStale(NonNegativeCounter.get(), "n2"));
                for (Throwable t : new Throwable[] {command, query, stale}) {
                    assertThat(t).isInstanceOf(FailStoppedException.class);
                    assertThat(t.getMessage())
                            .contains("fail-stopped")
                            .contains("simulated bug")
                            .contains("at log index " + poisonIndex);
                }
                assertThat(((FailStoppedException) command).outcomeUnknown()).isFalse();
                assertThat(command.getMessage()).contains("the command was refused before the log: it was not applied");
                assertThat(command.getMessage()).contains("n1").contains("n2").contains("n3");
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("answered, not timed out")
                        .isLessThan(CLIENT_TIMEOUT);
            }
            for (ReplicaServer r : cluster.replicas()) {
                // Nothing applied past the entry before it, no snapshot past it, and the refused command never logged.
                assertThat(r.appliedIndex()).as("%s applied", r.id()).isEqualTo(poisonIndex - 1);
                assertThat(r.takeSnapshot()).as("%s snapshot", r.id()).isLessThan(poisonIndex);
                assertThat(r.latestSnapshotIndex()).as("%s snapshot", r.id()).isLessThan(poisonIndex);
                assertThat(r.lastLogIndex()).as("%s log", r.id()).isEqualTo(lastLogIndex);
            }
        }
    }
}

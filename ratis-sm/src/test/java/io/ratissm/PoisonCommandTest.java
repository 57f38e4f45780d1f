package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A poison command in ACTIVE mode: a command whose {@code apply} throws on every replica (a bug in the state
 * machine) fail-stops all of them at the same log entry, and each says where and why. The operator's way out is to
 * deploy the fixed state machine and restart: the entry then applies, once, and the group serves again. The client
 * of the poison command learns at once that it is in the log and not applied (its outcome is unknown).
 */
class PoisonCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern INDEX = Pattern.compile("at log index (\\d+)");

    /**
     * State machines with a bug: reaching a value of 1000 or more throws on every replica until {@code fixed} is set
     * (the fixed state machine is deployed). ACTIVE: in {@code apply}; PASSIVE: in {@code applyUpdate}.
     */
    static Function<String, Supplier<? extends StateMachine>> throwingFrom1000(Replication mode, AtomicBoolean fixed) {
        InstrumentedCounter.Calls calls = new InstrumentedCounter.Calls();
        return id -> mode == Replication.ACTIVE
                ? () -> new NonNegativeCounter(v -> v >= 1000 && !fixed.get())
                : () -> new InstrumentedCounter(id, calls, (replica, v) -> v >= 1000 && !fixed.get());
    }

    /**
     * ACTIVE: {@code apply} throws on every replica. PASSIVE: the leader executes the command, and applying its
     * effect (the update) throws on every replica; a command whose execution throws is refused instead (see
     * {@link PassiveReplicationTest#aCommandThatThrowsOnTheLeaderIsRefusedAndNeverLogged}).
     */
    @ParameterizedTest
    @EnumSource(Replication.class)
    void aCommandThatThrowsOnEveryReplicaStopsThemAllAndAppliesOnceAfterARestartWithTheFix(Replication mode)
            throws Exception {
        AtomicBoolean fixed = new AtomicBoolean();
        Function<String, Supplier<? extends StateMachine>> buggy = throwingFrom1000(mode, fixed);
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .replication(mode)
                        .stateMachinePerReplica(buggy)
                        .configure(b -> b.httpPort(0))
                        .start();
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofMinutes(3))
                        .build()) {
            for (int i = 1; i <= 5; i++) {
                assertThat(decode(client.submit(add(1)))).isEqualTo(i);
            }
            // A restart then replays the poison entry on top of a snapshot, as it would in production.
            cluster.awaitCaughtUp(WAIT);
            for (ReplicaServer r : cluster.replicas()) {
                r.takeSnapshot();
            }

            CompletableFuture<ByteString> poison = client.submitAsync(add(1000));

            Set<String> indexes = new HashSet<>();
            HttpClient http = HttpClient.newHttpClient();
            for (ReplicaServer r : cluster.replicas()) {
                Awaits.await(r.id() + " fail-stops", WAIT, () -> !r.health().healthy());
                String reason = r.health().reason();
                assertThat(reason).contains("simulated bug").contains("1005").contains("applies nothing more");
                Matcher index = INDEX.matcher(reason);
                assertThat(index.find())
                        .as("the reason names the log index: %s", reason)
                        .isTrue();
                indexes.add(index.group(1));
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + r.httpPort().orElseThrow() + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains(reason);
                assertThat(r.isStopped())
                        .as("%s stays up to report the failure", r.id())
                        .isFalse();
            }
            assertThat(indexes).as("every replica stopped at the same entry").hasSize(1);
            // The client is told at once that the command is in the log, not applied: its outcome is unknown.
            Throwable poisoned = catchThrowable(() -> poison.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(poisoned).isInstanceOf(ExecutionException.class);
            assertThat(poisoned.getCause()).isInstanceOf(FailStoppedException.class);
            FailStoppedException inLog = (FailStoppedException) poisoned.getCause();
            assertThat(inLog.outcomeUnknown()).isTrue();
            assertThat(inLog.commandIndex())
                    .hasValue(Long.parseLong(indexes.iterator().next()));

            // A restart with the same code replays the entry and stops again, at the same index: start() itself
            // returns (the replay may fail-stop it while Ratis is still starting), and health says why.
            String first = cluster.ids().get(0);
            cluster.kill(first);
            ReplicaServer again = cluster.restart(first);
            Awaits.await(
                    first + " fail-stops again", WAIT, () -> !again.health().healthy());
            Matcher replayed = INDEX.matcher(again.health().reason());
            assertThat(replayed.find()).isTrue();
            assertThat(indexes).containsExactly(replayed.group(1));

            fixed.set(true);
            for (String id : cluster.ids()) {
                cluster.kill(id);
            }
            for (String id : cluster.ids()) {
                cluster.restart(id);
            }

            // The poison entry was applied once, on replay: the next command finds 1005.
            assertThat(decode(client.submit(add(1)))).isEqualTo(1006);
            cluster.awaitCaughtUp(WAIT);
            for (ReplicaServer r : cluster.replicas()) {
                assertThat(r.health().healthy()).as("%s is healthy", r.id()).isTrue();
                assertThat(decode(client.queryStale(NonNegativeCounter.get(), r.id())))
                        .as("value on %s", r.id())
                        .isEqualTo(1006);
            }
        }
    }
}

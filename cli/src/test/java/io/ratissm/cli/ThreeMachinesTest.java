package io.ratissm.cli;

import static io.ratissm.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.FreePorts;
import io.ratissm.GroupAdmin;
import io.ratissm.GroupStatus;
import io.ratissm.ReplicaClient;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.KvReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's "running a group on three machines", on one: three {@code server --config} processes from config
 * files, writes through the {@code client} command, a leadership transfer, a fourth replica added and one removed
 * with {@code admin} while a client keeps writing, and a SIGTERM; no acknowledged write is lost.
 */
class ThreeMachinesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<String, ReplicaProcess> processes = new LinkedHashMap<>();
    private final Map<String, String> peers = new LinkedHashMap<>();

    @AfterEach
    void destroyEveryProcess() {
        processes.values().forEach(ReplicaProcess::close);
    }

    @Test
    void aGroupRunFromConfigFilesKeepsEveryAcknowledgedWriteThroughLeaderAndMembershipChanges() throws Exception {
        for (String id : List.of("n1", "n2", "n3", "n4")) {
            peers.put(id, id + "=127.0.0.1:" + FreePorts.next());
        }
        String group = String.join(",", peers.get("n1"), peers.get("n2"), peers.get("n3"));
        for (String id : List.of("n1", "n2", "n3")) {
            start(id, group, false);
        }
        String leader = awaitLeader(group);

        assertThat(client("--peers", group, "put", "greeting", "hello")).isEqualTo(ok("OK"));
        assertThat(client("--peers", group, "get", "greeting")).isEqualTo(ok("hello"));

        try (BackgroundWriter writer = new BackgroundWriter(group)) {
            writer.awaitAcknowledged(10);

            String follower = List.of("n1", "n2", "n3").stream()
                    .filter(id -> !id.equals(leader))
                    .findFirst()
                    .orElseThrow();
            assertThat(admin("--peers", group, "transfer-leader", follower))
                    .isEqualTo(ok("OK: " + follower + " is the leader"));
            assertThat(awaitLeader(group)).isEqualTo(follower);
            writer.awaitAcknowledged(writer.acknowledged() + 10);

            start("n4", peers.get("n4"), true);
            String n4Address = peers.get("n4").substring(3);
            await(
                    "n4 answers",
                    WAIT,
                    () -> GroupAdmin.connect(peers.get("n4"))
                            .status()
                            .replicas()
                            .get(0)
                            .reachable());
            assertThat(admin("--peers", group, "add-replica", "n4", n4Address)).isEqualTo(ok("OK: n4 is a member"));
            writer.awaitAcknowledged(writer.acknowledged() + 10);

            // Remove a follower that is not the new replica: it must stop by itself, cleanly.
            String removed = List.of("n1", "n2", "n3").stream()
                    .filter(id -> !id.equals(follower))
                    .findFirst()
                    .orElseThrow();
            assertThat(admin("--peers", group, "remove-replica", removed))
                    .isEqualTo(ok("OK: " + removed + " is no longer a member"));
            assertThat(processes.get(removed).awaitExit()).isZero();
            assertThat(processes.get(removed).log()).contains(removed + ": stopped: removed from group ratis-sm");
            writer.awaitAcknowledged(writer.acknowledged() + 10);
            writer.stop();

            String all = String.join(",", peers.values());
            CliResult status = admin("--peers", all, "status");
            List<String> members = GroupAdmin.connect(all).status().members();
            assertThat(members)
                    .isSubsetOf("n1", "n2", "n3", "n4")
                    .hasSize(3)
                    .contains("n4")
                    .doesNotContain(removed);
            assertThat(status.out()).contains("members " + String.join(" ", members));

            for (Map.Entry<String, String> write : writer.acknowledgedWrites().entrySet()) {
                assertThat(client("--peers", all, "get", write.getKey())).isEqualTo(ok(write.getValue()));
            }
            try (ReplicaClient reader = ReplicaClient.builder().peers(all).build()) {
                for (String member : members) {
                    await(
                            member + " holds every acknowledged write",
                            WAIT,
                            () -> writer.acknowledgedWrites().entrySet().stream()
                                    .allMatch(w ->
                                            stale(reader, member, w.getKey()).equals(Optional.of(w.getValue()))));
                }
            }
        }

        ReplicaProcess n4 = processes.get("n4");
        assertThat(n4.terminate()).as("SIGTERM is a clean stop").isZero();
        assertThat(n4.log()).contains("n4: stopped cleanly").doesNotContain("n4: stopped: removed from group");
    }

    private void start(String id, String peerList, boolean join) throws IOException {
        Path config = Files.writeString(
                dir.resolve(id + ".properties"),
                String.join(
                        "\n",
                        "# written by ThreeMachinesTest",
                        "id = " + id,
                        "peers = " + peerList,
                        "storage = data/" + id,
                        "state-machine = kv",
                        "join = " + join,
                        ""));
        processes.put(id, ReplicaProcess.start(config));
    }

    private String awaitLeader(String group) {
        String[] leader = new String[1];
        await("a leader is elected", WAIT, () -> {
            try (GroupAdmin admin = GroupAdmin.connect(group)) {
                GroupStatus s = admin.status();
                s.leader().ifPresent(l -> leader[0] = l);
                return s.leader().isPresent()
                        && s.replicas().stream()
                                .filter(r -> r.member())
                                .allMatch(r -> r.leaderId().equals(s.leader()));
            }
        });
        return leader[0];
    }

    private static Optional<String> stale(ReplicaClient reader, String replica, String key) {
        try {
            KvReply r = reader.queryStale(KvStore.get(key), replica, KvReply.parser());
            return r.getFound() ? Optional.of(r.getValue().toStringUtf8()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    record CliResult(int exit, String out) {}

    private static CliResult ok(String out) {
        return new CliResult(0, out + "\n");
    }

    private static CliResult client(String... args) {
        return run(ClientCommand::new, args);
    }

    private static CliResult admin(String... args) {
        return run(AdminCommand::new, args);
    }

    /** Runs a client or admin command in this JVM, as {@code bin/ratis-sm} would, and captures its output. */
    private static CliResult run(BiFunction<PrintStream, PrintStream, Object> command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(command.apply(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
        String text = out.toString(StandardCharsets.UTF_8);
        return new CliResult(exit, exit == 0 ? text : text + err.toString(StandardCharsets.UTF_8));
    }

    /** Puts distinct keys through the client command, one after another, remembering what was acknowledged. */
    private static final class BackgroundWriter implements AutoCloseable {
        private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<?> done;
        private final List<Integer> failures = new ArrayList<>();

        BackgroundWriter(String group) {
            done = thread.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "w" + i;
                    CliResult r = client("--peers", group, "put", key, "v" + i);
                    if (r.exit() == 0) {
                        acknowledged.put(key, "v" + i);
                    } else {
                        failures.add(r.exit()); // 3: outcome unknown; it may or may not be there
                    }
                }
                return null;
            });
        }

        int acknowledged() {
            return acknowledged.size();
        }

        Map<String, String> acknowledgedWrites() {
            return acknowledged;
        }

        void awaitAcknowledged(int n) {
            await(n + " writes acknowledged", WAIT, () -> acknowledged.size() >= n || done.isDone());
            assertThat(done).isNotDone();
        }

        void stop() throws Exception {
            stop.set(true);
            done.get();
            assertThat(failures).allMatch(code -> code == GroupOptions.UNAVAILABLE);
        }

        @Override
        public void close() {
            stop.set(true);
            thread.shutdownNow();
        }
    }
}

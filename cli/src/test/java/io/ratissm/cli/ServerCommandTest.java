package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Awaits;
import io.ratissm.FreePorts;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.internal.config.Setting;
import io.ratissm.internal.config.Settings;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Each kind of configuration mistake: its own message naming the key, its own exit code, nothing written. */
class ServerCommandTest {
    private static final String VALID = """
            id = n1
            peers = n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003
            storage = data/n1
            state-machine = kv
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest(name = "{0} -> exit {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed line     | VALID + 'peers n1'                          | expected 'key = value'        | 4",
                "key given twice    | VALID + 'id = n2'                           | already given on line 1       | 4",
                "unknown key        | VALID + 'replicaton = PASSIVE'              | unknown key 'replicaton' (did you mean 'replication'?) | 5",
                "missing key        | without state-machine                       | missing required key 'state-machine' | 6",
                "bad number         | VALID + 'snapshot.every = -5'               | snapshot.every: must be at least 1 | 7",
                "bad mode           | VALID + 'replication = quorum'              | replication: 'quorum' is not ACTIVE or PASSIVE | 7",
                "unknown class      | VALID with state-machine com.example.Nope   | 'com.example.Nope' is neither one of [bank, counter, journal, kv, set] | 7",
                "id not a peer      | VALID with id n7                            | id 'n7' is not one of the peers | 7",
                "malformed peer     | VALID with peer n3=127.0.0.1                | 'n3=127.0.0.1' is not of the form id=host:port | 7",
                "missing TLS file   | VALID + 'tls.trust = ca.pem'                | tls.trust: no such file       | 8",
                "storage is a file  | VALID with storage blocker                  | exists and is not a directory | 9",
            })
    void aConfigMistakeGetsItsOwnMessageAndExitCodeAndWritesNothing(
            String mistake, String how, String message, int code) throws IOException {
        Files.writeString(dir.resolve("blocker"), "");
        String text = switch (how.strip()) {
            case "without state-machine" -> VALID.replace("state-machine = kv\n", "");
            case "VALID with state-machine com.example.Nope" -> VALID.replace("= kv", "= com.example.Nope");
            case "VALID with id n7" -> VALID.replace("id = n1", "id = n7");
            case "VALID with peer n3=127.0.0.1" -> VALID.replace("n3=127.0.0.1:7003", "n3=127.0.0.1");
            case "VALID with storage blocker" -> VALID.replace("data/n1", "blocker");
            default -> VALID + how.substring(how.indexOf('\'') + 1, how.lastIndexOf('\'')) + "\n";
        };

        int exit = server(Files.writeString(dir.resolve("n1.properties"), text));

        assertThat(exit).as(mistake).isEqualTo(code);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("ratis-sm server: ")
                .contains(message);
        assertThat(dir.resolve("data"))
                .as("nothing is written on a bad configuration")
                .doesNotExist();
    }

    @Test
    void aMissingConfigFileIsExit3() {
        assertThat(server(dir.resolve("nowhere.properties"))).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nowhere.properties (no such file)");
    }

    @Test
    void withoutConfigItIsAUsageError() {
        assertThat(new CommandLine(new ServerCommand(new PrintStream(err))).execute())
                .isEqualTo(2);
    }

    @Test
    void aPortInUseIsExit10() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path config = Files.writeString(
                    dir.resolve("n1.properties"),
                    VALID.replace("n1=127.0.0.1:7001", "n1=127.0.0.1:" + taken.getLocalPort()));
            assertThat(server(config)).isEqualTo(10);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("the port is in use");
        }
    }

    @Test
    void helpListsTheExitCodes() {
        String help = new CommandLine(new ServerCommand()).getUsageMessage();
        assertThat(help).contains("--config").contains("Exit codes:").containsPattern("5 +unknown key");
    }

    @Test
    void helpListsEveryKeyWithItsDefaultFromTheSettingsTable() {
        String help = new CommandLine(new ServerCommand()).getUsageMessage();
        assertThat(help).contains("Configuration keys");
        for (Setting<?> setting : Settings.ALL) {
            assertThat(help).contains(setting.key() + " (" + setting.defaultText() + ";");
        }
        assertThat(help).contains("election-timeout (1s; a duration, at least 50ms)");
    }

    /**
     * A replica whose state machine fail-stops keeps its process, and its {@code /health}, up to say why, until it is
     * stopped: exiting would hide the reason, and a supervisor restarting it would replay the same entry. The client
     * is told why too, at once: exit 3 for the command that is in the log, not applied; exit 8 for one refused.
     */
    @Test
    void aFailStoppedReplicaKeepsRunningAndReportsWhyUntilStopped() throws Exception {
        String peer = "n1=127.0.0.1:" + FreePorts.next();
        int httpPort = FreePorts.next();
        Path config = ReplicaProcess.writeConfig(dir, peer, CounterWithABug.class.getName(), "http.port = " + httpPort);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                .build();
        try (ReplicaProcess n1 = ReplicaProcess.start(config)) {
            Awaits.await("n1 serves", Duration.ofSeconds(30), () -> client(peer, "add", "1") == 0);

            ByteArrayOutputStream poisonErr = new ByteArrayOutputStream();
            assertThat(client(poisonErr, peer, "--timeout", "60s", "add", String.valueOf(CounterWithABug.POISON)))
                    .as(poisonErr.toString(StandardCharsets.UTF_8))
                    .isEqualTo(GroupOptions.UNAVAILABLE);
            assertThat(poisonErr.toString(StandardCharsets.UTF_8))
                    .startsWith("ratis-sm client: fail-stopped: ")
                    .contains("simulated bug adding 13")
                    .containsPattern(
                            "the command is in the log at index \\d+ but was not applied: its outcome is " + "unknown");
            ByteArrayOutputStream refusedErr = new ByteArrayOutputStream();
            assertThat(client(refusedErr, peer, "--timeout", "60s", "add", "1"))
                    .as(refusedErr.toString(StandardCharsets.UTF_8))
                    .isEqualTo(GroupOptions.FAIL_STOPPED);
            assertThat(refusedErr.toString(StandardCharsets.UTF_8))
                    .startsWith("ratis-sm client: fail-stopped: every replica of the group is fail-stopped")
                    .contains("simulated bug adding 13")
                    .contains("at log index")
                    .contains("the command was refused before the log: it was not applied");
            Awaits.await(
                    "n1 reports the fail-stop or exits",
                    Duration.ofSeconds(30),
                    () -> !n1.isAlive() || status(http, health) == 503);
            assertThat(n1.isAlive()).as("n1 is running; its log:%n%s", n1.log()).isTrue();
            HttpResponse<String> reason = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(reason.body()).contains("simulated bug adding 13").contains("at log index");

            assertThat(n1.terminate()).isZero();
            assertThat(n1.log()).contains("n1: signal received, stopping").doesNotContain("removed from group");
        }
    }

    /**
     * A replica that Ratis closes by itself after a long pause (longer than raft.server.close.threshold) was not
     * removed: it says what happened and exits with its own code, so that a supervisor restarts it.
     */
    @Test
    void aReplicaClosedByRatisAfterALongPauseSaysSoAndExits12() throws Exception {
        String peer = "n1=127.0.0.1:" + FreePorts.next();
        Path config = ReplicaProcess.writeConfig(dir, peer, "counter", "ratis.raft.server.close.threshold = 2s");
        try (ReplicaProcess n1 = ReplicaProcess.start(config)) {
            Awaits.await("n1 serves", Duration.ofSeconds(30), () -> client(peer, "add", "1") == 0);

            n1.pause(Duration.ofSeconds(5));

            assertThat(n1.awaitExit()).as("exit code; log:%n%s", n1.log()).isEqualTo(12);
            assertThat(n1.log())
                    .contains("Ratis closed this replica although the group still counts it as a member")
                    .doesNotContain("removed from group");
        }
    }

    /** A replica started on wiped storage while the group remembers it: exit 11, and the message says what to do. */
    @Test
    void aReplicaWhoseStorageWasWipedIsExit11WithTheWayBack() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .stateMachine(Counter::new)
                        .storage(dir.resolve("data"))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            client.submit(Counter.add(1), CounterValue.parser());
            cluster.awaitCaughtUp(Duration.ofSeconds(30));
            String victim = cluster.ids().stream()
                    .filter(id -> !cluster.leader().orElseThrow().equals(id))
                    .findFirst()
                    .orElseThrow();
            cluster.kill(victim);
            cluster.wipe(victim);
            Path config = Files.writeString(
                    dir.resolve(victim + ".properties"),
                    String.join(
                            "\n",
                            "id = " + victim,
                            "peers = " + cluster.peers(),
                            "storage = " + cluster.storage(victim),
                            "state-machine = counter",
                            ""));

            assertThat(server(config)).isEqualTo(11);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains(victim + ": its storage holds no log")
                    .contains("'ratis-sm admin remove-replica " + victim + "'");
        }
    }

    private static int client(String peer, String... args) {
        return client(OutputStream.nullOutputStream(), peer, args);
    }

    /** Runs the client command, its standard error into {@code err}. */
    private static int client(OutputStream err, String peer, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--peers";
        all[1] = peer;
        System.arraycopy(args, 0, all, 2, args.length);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        return new CommandLine(new ClientCommand(quiet, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(all);
    }

    private static int status(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private int server(Path config) {
        return new CommandLine(new ServerCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute("--config", config.toString());
    }
}

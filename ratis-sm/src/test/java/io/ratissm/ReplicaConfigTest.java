package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.InvalidConfigException.Problem;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import io.ratissm.shard.ShardedClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaConfigTest {
    private static final Map<String, Supplier<? extends StateMachine>> ALIASES =
            Map.of("counter", NonNegativeCounter::new);
    private static final String VALID = """
            # replica n1
            id = n1
            peers = n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003
            storage = data/n1
            state-machine = counter
            """;

    @TempDir
    Path dir;

    @Test
    void aValidFileBecomesAServerBuilderWithEveryKeyApplied() throws IOException {
        ReplicaConfig config = load(VALID + """
                group = accounts
                replication = passive
                snapshot.every = 500
                max-command-bytes = 64KiB
                election-timeout = 2s
                session.idle-timeout = 1m
                session.limit = 5000
                read.lease = true
                log.segment-bytes = 1MiB
                digest.every = 0
                divergence.check-interval = 500ms
                health.lag-limit = 10s
                ratis.raft.server.rpc.request.timeout = 5s
                """);

        assertThat(config.id()).isEqualTo("n1");
        assertThat(config.group()).isEqualTo("accounts");
        assertThat(config.peers()).containsExactly("n1=127.0.0.1:7001", "n2=127.0.0.1:7002", "n3=127.0.0.1:7003");
        assertThat(config.storage()).isEqualTo(dir.resolve("data/n1").toAbsolutePath());
        assertThat(config.ratisProperties()).containsEntry("raft.server.rpc.request.timeout", "5s");
        assertThat(config.serverBuilder()).isNotNull();
        assertThat(config.join()).isFalse();
        assertThat(config.storage()).as("loading creates nothing").doesNotExist();
    }

    @Test
    void aStartedReplicaUsesTheFilesSettings() throws Exception {
        ReplicaConfig config = load(VALID.replace(
                        "n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003", "n1=127.0.0.1:" + FreePorts.next())
                + "replication = PASSIVE\nelection-timeout = 300ms\n");
        try (ReplicaServer server = config.serverBuilder().build().start()) {
            assertThat(server.replication()).isEqualTo(Replication.PASSIVE);
            Awaits.await("the single replica leads", Duration.ofSeconds(20), server::isLeader);
            assertThat(config.storage()).isDirectory();
        }
    }

    @Test
    void aShardedServerServesThePlacementGroupWithTheStateMachineBehindShardRoles() throws Exception {
        String peers = "n1=127.0.0.1:" + FreePorts.next();
        ReplicaConfig config = load(
                VALID.replace("n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003", peers) + "sharded = true\n");
        try (ReplicaServer server = config.serverBuilder().build().start();
                ShardAdmin admin = ShardAdmin.connect(peers)) {
            Awaits.await("the single replica leads", Duration.ofSeconds(20), server::isLeader);
            assertThat(admin.map().version()).isZero();
            ShardMap map = admin.createShards("counters", 2, 1, List.of(peers));
            try (ShardedClient client = ShardedClient.connect(peers)) {
                assertThat(NonNegativeCounter.decode(client.submit("a", NonNegativeCounter.add(3))))
                        .isEqualTo(3);
            }
            assertThat(server.groups()).hasSize(1 + map.shardCount());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown key         | snapshot.evry = 5             | UNKNOWN_KEY | snapshot.evry | did you mean 'snapshot.every'",
                "unknown ratis key   | ratis.foo = 1                 | UNKNOWN_KEY | ratis.foo     | ratis.raft.*",
                "not key = value     | just some words               | SYNTAX      |               | expected 'key = value'",
                "key given twice     | id = n2                       | SYNTAX      | id            | already given on line 2",
                "not a number        | snapshot.every = lots         | BAD_VALUE   | snapshot.every | 'lots' is not a whole number",
                "negative            | digest.every = -1             | BAD_VALUE   | digest.every  | at least 0",
                "zero snapshots      | snapshot.every = 0            | BAD_VALUE   | snapshot.every | at least 1",
                "duration w/o unit   | election-timeout = 1000       | BAD_VALUE   | election-timeout | not a duration",
                "too short election  | election-timeout = 10ms       | BAD_VALUE   | election-timeout | at least 50ms",
                "too short lag limit | health.lag-limit = 500ms      | BAD_VALUE   | health.lag-limit | at least 1s, was 500ms",
                "no session timeout  | session.idle-timeout = 0s     | BAD_VALUE   | session.idle-timeout | at least 1m",
                "short session time  | session.idle-timeout = 30s    | BAD_VALUE   | session.idle-timeout | at least 1m",
                "no sessions         | session.limit = 0             | BAD_VALUE   | session.limit | at least 1",
                "bad size            | max-command-bytes = 1MB       | BAD_VALUE   | max-command-bytes | not a size",
                "replication mode    | replication = ACTIV           | BAD_VALUE   | replication   | 'ACTIV' is not ACTIVE or PASSIVE",
                "boolean             | join = yes                    | BAD_VALUE   | join          | 'yes' is not true or false",
                "lease boolean       | read.lease = on               | BAD_VALUE   | read.lease    | 'on' is not true or false",
                "port range          | http.port = 70000             | BAD_VALUE   | http.port     | must be 0 to 65535",
                "too many sessions   | session.limit = 3000000000    | BAD_VALUE   | session.limit | too large",
                "size too large      | max-command-bytes = 2GiB      | BAD_VALUE   | max-command-bytes | too large",
                "empty value         | group =                       | BAD_VALUE   | group         | empty value",
                "missing TLS file    | tls.cert = nowhere.pem        | MISSING_FILE | tls.cert     | no such file",
            })
    void eachMistakeIsNamedWithItsKeyAndLine(String mistake, String line, Problem problem, String key, String message) {
        expect(() -> load(VALID + line + "\n"), problem, key, message);
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        expect(
                () -> load(VALID.replace("storage = data/n1\n", "")),
                Problem.MISSING_KEY,
                "storage",
                "missing required key 'storage'");
    }

    @Test
    void peersMistakesAreNamed() {
        expect(
                () -> load(VALID.replace("n2=127.0.0.1:7002", "n2=127.0.0.1")),
                Problem.BAD_VALUE,
                "peers",
                "'n2=127.0.0.1' is not of the form id=host:port");
        expect(
                () -> load(VALID.replace("n3=127.0.0.1:7003", "n2=127.0.0.1:7003")),
                Problem.BAD_VALUE,
                "peers",
                "'n2' appears twice");
        expect(
                () -> load(VALID.replace("n3=127.0.0.1:7003", "n3=127.0.0.1:7002")),
                Problem.BAD_VALUE,
                "peers",
                "address '127.0.0.1:7002' is given to two replicas");
        expect(
                () -> load(VALID.replace("id = n1", "id = n9")),
                Problem.BAD_VALUE,
                "id",
                "id 'n9' is not one of the peers [n1, n2, n3]");
    }

    @Test
    void stateMachineMistakesAreNamed() {
        expect(
                () -> load(VALID.replace("= counter", "= com.example.Nope")),
                Problem.BAD_VALUE,
                "state-machine",
                "'com.example.Nope' is neither one of [counter] or a class on the classpath");
        expect(
                () -> load(VALID.replace("= counter", "= java.lang.String")),
                Problem.BAD_VALUE,
                "state-machine",
                "is not a concrete implementation of io.ratissm.StateMachine");
        expect(
                () -> load(VALID.replace("= counter", "= " + NoDefaultConstructor.class.getName())),
                Problem.BAD_VALUE,
                "state-machine",
                "has no public constructor without arguments");
    }

    @Test
    void aStateMachineClassNameIsAccepted() {
        ReplicaConfig config = load(VALID.replace("= counter", "= " + NonNegativeCounter.class.getName()));
        assertThat(config.stateMachineName()).isEqualTo(NonNegativeCounter.class.getName());
    }

    @Test
    void tlsNeedsAllThreeFiles() throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "x");
        expect(
                () -> load(VALID + "tls.cert = cert.pem\n"),
                Problem.MISSING_KEY,
                "tls.key",
                "TLS needs tls.cert, tls.key and tls.trust together");
    }

    @Test
    void aTlsPathThatIsNotAFileIsNamed() throws IOException {
        // (An unreadable file is refused the same way, but CI runs as root, for whom every file is readable.)
        Files.createDirectories(dir.resolve("keys"));
        expect(() -> load(VALID + "tls.key = keys\n"), Problem.MISSING_FILE, "tls.key", "is not a file");
    }

    @Test
    void storageThatIsAFileIsAStorageProblem() throws IOException {
        Files.writeString(dir.resolve("data"), "not a directory");
        expect(() -> load(VALID), Problem.STORAGE, "storage", "cannot be created");
        Files.delete(dir.resolve("data"));
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/n1"), "");
        expect(() -> load(VALID), Problem.STORAGE, "storage", "exists and is not a directory");
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        assertThatThrownBy(() -> ReplicaConfig.load(dir.resolve("absent.properties")))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.UNREADABLE_FILE))
                .hasMessageContaining("absent.properties")
                .hasMessageContaining("no such file");
    }

    @Test
    void noMistakeCreatesTheStorageDirectory() {
        for (String bad : new String[] {"snapshot.every = x\n", "bogus = 1\n", "replication = no\n"}) {
            assertThatThrownBy(() -> load(VALID + bad)).isInstanceOf(InvalidConfigException.class);
        }
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private ReplicaConfig load(String text) {
        try {
            return ReplicaConfig.load(Files.writeString(dir.resolve("n1.properties"), text), ALIASES);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void expect(ThrowingCallable load, Problem problem, String key, String message) {
        assertThatThrownBy(load)
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    if (key != null) {
                        assertThat(e.key()).contains(key);
                        assertThat(e.getMessage()).contains(key);
                    }
                    if (problem != Problem.MISSING_KEY) {
                        assertThat(e.getMessage()).containsPattern("n1.properties line \\d+: ");
                    }
                })
                .hasMessageContaining(message);
    }

    /** A state machine the config cannot construct. */
    public static final class NoDefaultConstructor implements StateMachine {
        public NoDefaultConstructor(int ignored) {}

        @Override
        public com.google.protobuf.ByteString apply(com.google.protobuf.ByteString command) {
            return command;
        }

        @Override
        public com.google.protobuf.ByteString query(com.google.protobuf.ByteString query) {
            return query;
        }

        @Override
        public void writeSnapshot(java.io.OutputStream out) {}

        @Override
        public void readSnapshot(java.io.InputStream in) {}
    }
}

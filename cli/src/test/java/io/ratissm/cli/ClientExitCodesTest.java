package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.FreePorts;
import io.ratissm.LocalCluster;
import io.ratissm.statemachines.KvStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client and admin commands against a running group: a definite failure (a wrong group, a replica id given
 * another replica's address, a command over the size limit) gets its own exit code and a message saying what to fix,
 * never 3, the code of an unknown outcome; and values are bytes, whatever their encoding.
 */
class ClientExitCodesTest {
    /** Long enough for any answer; the failures under test must not wait for it, or wait for it once at most. */
    private static final String TIMEOUT = "5s";

    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startGroup() throws Exception {
        cluster = LocalCluster.builder().replicas(3).stateMachine(KvStore::new).start();
        cluster.awaitLeader();
    }

    @AfterAll
    static void stopGroup() {
        cluster.close();
    }

    private record Result(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static Result client(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new ClientCommand(
                        in, new PrintStream(out, true), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static Result client(String... args) {
        return client(InputStream.nullInputStream(), args);
    }

    private static Result admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new AdminCommand(
                        new PrintStream(out, true), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aGroupNameNoReplicaServesIsExit5AndNothingIsApplied() {
        Result r = client("--peers", cluster.peers(), "--group", "other", "--timeout", TIMEOUT, "put", "g1", "v");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.NO_SUCH_GROUP);
        assertThat(r.err())
                .startsWith("ratis-sm client: no such group: no replica serves a group named 'other': ")
                .contains("n1 at " + cluster.replica("n1").address() + " serves group 'ratis-sm'")
                .contains("check the group name");
        assertThat(client("--peers", cluster.peers(), "get", "g1").exit())
                .as("not applied")
                .isEqualTo(GroupOptions.REFUSED);
    }

    @Test
    void aReplicaWithoutTheGroupIsNoProofWhileAnotherDoesNotAnswerSoTheOutcomeStaysUnknown() throws Exception {
        int silent = FreePorts.next();
        // The one that does not answer may serve the group (a removed replica answers like n1 here).
        String peers = "n1=" + cluster.replica("n1").address() + ",n9=127.0.0.1:" + silent;

        Result r = client("--peers", peers, "--group", "other", "--timeout", "3s", "put", "g2", "v");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.UNAVAILABLE);
    }

    @Test
    void replicasThatAllRefuseTheConnectionAreExit7AtOnceAndNothingIsApplied() throws Exception {
        String peers = "n1=127.0.0.1:" + FreePorts.next() + ",n2=127.0.0.1:" + FreePorts.next();

        Result r = client("--peers", peers, "--timeout", "60s", "put", "r1", "v");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.CONNECTION_REFUSED);
        assertThat(r.err())
                .startsWith(
                        "ratis-sm client: connection refused: every replica of group ratis-sm refused the connection")
                .contains(peers.split(",")[0].replace("=", " at "))
                .contains(peers.split(",")[1].replace("=", " at "))
                .contains("the request was never sent"); // the first: the client asks what the group runs
    }

    @Test
    void aGroupCreatedOnTheRunningServersServesBesideTheirOwnUntilItIsRemoved() throws Exception {
        Result created = admin("--peers", cluster.peers(), "--group", "second", "create-group");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.text()).contains("OK: group second is served by " + cluster.peers());

        Result put = client("--peers", cluster.peers(), "--group", "second", "put", "s1", "v");
        assertThat(put.exit()).as(put.err()).isZero();
        Result get = client("--peers", cluster.peers(), "--group", "second", "get", "s1");
        assertThat(get.text()).isEqualTo("v\n");
        assertThat(client("--peers", cluster.peers(), "get", "s1").exit())
                .as("the first group does not hold the second's key")
                .isEqualTo(GroupOptions.REFUSED);

        Result unknown =
                admin("--peers", cluster.peers(), "--group", "second", "move-replica", "n9", "n4", "127.0.0.1:1");
        assertThat(unknown.exit()).as(unknown.err()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown replica 'n9'");

        Result removed = admin("--peers", cluster.peers(), "remove-group", "--group", "second");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(client("--peers", cluster.peers(), "--group", "second", "get", "s1")
                        .exit())
                .isEqualTo(GroupOptions.NO_SUCH_GROUP);

        String down = "n1=" + cluster.replica("n1").address() + ",n9=127.0.0.1:" + FreePorts.next();
        Result refused = admin("--peers", down, "--group", "third", "create-group");
        assertThat(refused.exit()).as(refused.err()).isEqualTo(GroupOptions.UNAVAILABLE);
        assertThat(refused.err()).contains("nothing was created").contains("n9 at 127.0.0.1:");
        assertThat(cluster.replica("n1").groups()).hasSize(1);
    }

    @Test
    void anAdminOfAGroupNameNoReplicaServesIsExit5() {
        Result r = admin("--peers", cluster.peers(), "--group", "other", "snapshot", "n1");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.NO_SUCH_GROUP);
        assertThat(r.err()).contains("do not serve a group named 'other'");
    }

    @Test
    void aReplicaIdGivenAnotherReplicasAddressIsExit6NamingBothAddresses() {
        String leader = cluster.awaitLeader();
        String follower = cluster.others(leader).get(0);
        String followerAddress = cluster.replica(follower).address();

        Result r = client("--peers", leader + "=" + followerAddress, "--timeout", TIMEOUT, "put", "m1", "v");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.MISADDRESSED);
        assertThat(r.err())
                .startsWith("ratis-sm client: wrong address: replica " + leader + " is given the address "
                        + followerAddress + ", but the group has " + leader + " at "
                        + cluster.replica(leader).address()
                        + " and " + follower + " at " + followerAddress);
        assertThat(client("--peers", cluster.peers(), "get", "m1").exit())
                .as("not applied")
                .isEqualTo(GroupOptions.REFUSED);
    }

    @Test
    void aCommandOverTheDefaultLimitIsRefusedBeforeItIsSentWithExit4() {
        // 70 MB: more than any client can send in one message, which used to be retried until the timeout (exit 3).
        Result r = client("--peers", cluster.peers(), "--timeout", "1m", "put", "big", "x".repeat(70 << 20));

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.TOO_LARGE);
        assertThat(r.err())
                .startsWith("ratis-sm client: too large: the command has ")
                .contains("more than --max-command-bytes 1048576; it was not sent");
    }

    @Test
    void aCommandOverTheGroupsLimitIsExit4TooWithTheGroupsLimit() {
        Result r =
                client("--peers", cluster.peers(), "put", "--max-command-bytes", "4000000", "big", "x".repeat(2 << 20));

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.TOO_LARGE);
        assertThat(r.err()).contains("more than the group's limit of 1048576 bytes");
    }

    @Test
    void aValueThatIsNotUtf8RoundTripsAsBytes() throws Exception {
        byte[] value = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, (byte) 0xc3, 0x28};
        Path file = Files.write(dir.resolve("value.bin"), value);

        assertThat(client("--peers", cluster.peers(), "put", "b1", "--value-file", file.toString())
                        .exit())
                .isZero();

        Result raw = client("--peers", cluster.peers(), "get", "--raw", "b1");
        assertThat(raw.exit()).isZero();
        assertThat(raw.out()).isEqualTo(value);
        assertThat(client("--peers", cluster.peers(), "get", "--hex", "b1").text())
                .isEqualTo("fffe0080c328\n");
        Result text = client("--peers", cluster.peers(), "get", "b1");
        assertThat(text.exit()).isEqualTo(GroupOptions.USAGE);
        assertThat(text.err()).contains("6 bytes that are not UTF-8 text; print it with --raw or --hex");
    }

    @Test
    void aValueIsTakenFromStandardInputOrAsHexadecimal() {
        byte[] value = {1, (byte) 0xff, 10};

        Result put =
                client(new ByteArrayInputStream(value), "--peers", cluster.peers(), "put", "b2", "--value-file", "-");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(client("--peers", cluster.peers(), "get", "--raw", "b2").out())
                .isEqualTo(value);

        Result replaced = client("--peers", cluster.peers(), "put", "--hex", "b2", "00c0");
        assertThat(replaced.text()).isEqualTo("OK (was 0x" + HexFormat.of().formatHex(value) + ")\n");
        assertThat(client("--peers", cluster.peers(), "get", "--hex", "b2").text())
                .isEqualTo("00c0\n");
    }

    @Test
    void thePlainValueArgumentIsUtf8() {
        assertThat(client("--peers", cluster.peers(), "put", "b3", "grüße").exit())
                .isZero();

        assertThat(client("--peers", cluster.peers(), "get", "--hex", "b3").text())
                .isEqualTo(HexFormat.of().formatHex("grüße".getBytes(StandardCharsets.UTF_8)) + "\n");
        assertThat(client("--peers", cluster.peers(), "get", "b3").text()).isEqualTo("grüße\n");
    }
}

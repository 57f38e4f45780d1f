package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.CounterValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client knows what it talks to: a bundled verb checks the state machine the group advertises and refuses a group
 * of another one, sending nothing; {@code call} and {@code query} take any declared state machine's commands and
 * queries in Protobuf text format, parsed against the group's own types, and print replies in text format.
 */
class ClientTypesTest {
    private static LocalCluster kv;
    private static LocalCluster counter;

    @BeforeAll
    static void startGroups() throws Exception {
        kv = LocalCluster.start(3, KvStore::new, Replication.ACTIVE);
        counter = LocalCluster.start(1, Counter::new, Replication.ACTIVE);
        kv.awaitLeader();
        counter.awaitLeader();
    }

    @AfterAll
    static void stopGroups() {
        kv.close();
        counter.close();
    }

    private static ClientRun.Result client(LocalCluster group, String... args) {
        return ClientRun.run(group.peers(), "10s", args);
    }

    @Test
    void aKvGetAgainstACounterGroupIsRefusedNamingTheGroupsStateMachine() throws Exception {
        try (ReplicaClient c = counter.newClient()) {
            // A counter's value 5 reads as a kv reply with found = true and an empty value: get printed "" with exit 0.
            c.submit(Counter.add(5), CounterValue.parser());
        }

        ClientRun.Result r = client(counter, "get", "k");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo("ratis-sm client: get is a verb of the kv state machine (io.ratissm.statemachines.KvStore,"
                        + " commands ratissm.statemachines.KvCommand), but group ratis-sm runs"
                        + " io.ratissm.statemachines.Counter (commands ratissm.statemachines.CounterCommand); nothing"
                        + " was sent. For this group use: add, value; call and query take any declared state machine's"
                        + " messages in text format, raw its bytes\n");
    }

    @Test
    void aCounterAddAgainstAKvGroupIsRefusedAndNothingIsApplied() {
        ClientRun.Result r = client(kv, "add", "5");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.USAGE);
        assertThat(r.err())
                .contains("add is a verb of the counter state machine")
                .contains("group ratis-sm runs io.ratissm.statemachines.KvStore")
                .contains("For this group use: put, get, delete, cas;");
    }

    @Test
    void aKvPutAgainstACounterGroupIsRefusedAndTheCounterIsUnchanged() {
        String before = client(counter, "value").out();

        ClientRun.Result r = client(counter, "put", "greeting", "hello");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("put is a verb of the kv state machine").contains("nothing was sent");
        assertThat(client(counter, "value").out()).isEqualTo(before);
    }

    @Test
    void callAndQueryTakeTextFormatWithNestedMessagesAndPrintRepliesInTextFormat() {
        ClientRun.Result first = client(kv, "call", "put { key: \"t1\" value: \"v1\" }");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).as("a KvReply with no field set").isEmpty();

        assertThat(client(kv, "call", "put { key: \"t1\" value: \"v2\" }").out())
                .isEqualTo("found: true\nvalue: \"v1\"\n");
        assertThat(client(kv, "call", "cas { key: \"t1\" expected_value: \"v2\" new_value: \"v3\" }")
                        .out())
                .isEqualTo("found: true\nvalue: \"v3\"\n");
        ClientRun.Result get = client(kv, "query", "get { key: \"t1\" }");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).isEqualTo("found: true\nvalue: \"v3\"\n");
        assertThat(get.err()).isEmpty();
        assertThat(client(kv, "get", "t1").out())
                .as("the bundled verb reads the same")
                .isEqualTo("v3\n");
    }

    @Test
    void aTextCommandThatDoesNotParseIsExit2NamingTheTypeAndNothingIsSent() {
        ClientRun.Result r = client(kv, "call", "put { key: \"t2\" valu: \"x\" }");

        assertThat(r.exit()).as(r.err()).isEqualTo(GroupOptions.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith(
                        "ratis-sm client: 'put { key: \"t2\" valu: \"x\" }' is not a ratissm.statemachines.KvCommand"
                                + " in Protobuf text format: 1:")
                .contains("valu")
                .contains("ratissm.statemachines.KvCommand has the fields put (Put), delete (Delete),"
                        + " cas (CompareAndSet); nothing was sent)");
        assertThat(client(kv, "get", "t2").exit()).as("not applied").isEqualTo(GroupOptions.REFUSED);
    }

    @Test
    void describeNamesTheStateMachineAndItsTypes() {
        ClientRun.Result r = client(kv, "describe");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("group ratis-sm runs io.ratissm.statemachines.KvStore\n"
                        + "commands ratissm.statemachines.KvCommand, replies ratissm.statemachines.KvReply\n"
                        + "queries  ratissm.statemachines.KvQuery, replies ratissm.statemachines.KvReply\n");
    }

    @Test
    void aReplyOfNoDeclaredTypeIsShownByFieldNumberSayingWhy() throws Exception {
        try (LocalCluster tally = LocalCluster.start(1, TallyOfUndeclaredReplies::new, Replication.ACTIVE)) {
            tally.awaitLeader();

            ClientRun.Result r = client(tally, "call", "add: 7");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("1: 7\n");
            assertThat(r.err())
                    .isEqualTo("ratis-sm client: the state machine declares no type for its command replies: its"
                            + " fields are shown by number, without names\n");
        }
    }
}

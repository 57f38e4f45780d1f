package io.ratissm.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.statemachines.Bank;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.proto.BankReply;
import io.ratissm.statemachines.proto.SetCommand;
import io.ratissm.statemachines.proto.SetReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two state machines written for the harness's set and bank workloads, without a cluster. */
class HarnessStateMachinesTest {

    @Test
    void intSetSaysWhetherAnAddWasNewAndReadsInAscendingOrder() throws Exception {
        IntSet set = new IntSet();

        assertThat(SetReply.parseFrom(set.apply(IntSet.add(5).toByteString())).getAdded())
                .isTrue();
        assertThat(SetReply.parseFrom(set.apply(IntSet.add(5).toByteString())).getAdded())
                .isFalse();
        set.apply(IntSet.add(-2).toByteString());

        assertThat(SetReply.parseFrom(set.query(IntSet.read().toByteString())).getElementsList())
                .containsExactly(-2L, 5L);
    }

    @Test
    void intSetSnapshotRestoresTheSameElements() throws Exception {
        IntSet set = new IntSet();
        set.apply(IntSet.add(3).toByteString());
        set.apply(IntSet.add(1).toByteString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        set.writeSnapshot(out);

        IntSet restored = new IntSet();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));

        assertThat(SetReply.parseFrom(restored.query(IntSet.read().toByteString()))
                        .getElementsList())
                .containsExactly(1L, 3L);
    }

    @Test
    void intSetRefusesACommandWithoutAnOperation() {
        assertThatThrownBy(() ->
                        new IntSet().validate(SetCommand.getDefaultInstance().toByteString()))
                .isInstanceOf(MalformedCommand.class);
    }

    @Test
    void bankRefusesATransferBeyondTheBalanceAndKeepsTheState() throws Exception {
        Bank bank = new Bank();
        bank.apply(Bank.open(Map.of("a", 10L, "b", 0L)).toByteString());

        assertThatThrownBy(() -> bank.apply(Bank.transfer("a", "b", 11).toByteString()))
                .isInstanceOf(CommandRejected.class)
                .hasMessageContaining("insufficient funds");
        bank.apply(Bank.transfer("a", "b", 4).toByteString());

        assertThat(BankReply.parseFrom(bank.query(Bank.read().toByteString())).getBalancesMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 6L, "b", 4L));
    }

    @Test
    void aSecondOpenLeavesTheAccountsAsTheyAre() throws Exception {
        Bank bank = new Bank();
        bank.apply(Bank.open(Map.of("a", 10L, "b", 0L)).toByteString());
        bank.apply(Bank.transfer("a", "b", 3).toByteString());

        bank.apply(Bank.open(Map.of("a", 10L, "b", 0L)).toByteString());

        assertThat(BankReply.parseFrom(bank.query(Bank.read().toByteString())).getBalancesMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 7L, "b", 3L));
    }

    @Test
    void bankSnapshotRestoresEveryBalance() throws Exception {
        Bank bank = new Bank();
        bank.apply(Bank.open(Map.of("a", 10L, "b", 5L)).toByteString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bank.writeSnapshot(out);

        Bank restored = new Bank();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));

        assertThat(BankReply.parseFrom(restored.query(Bank.read().toByteString()))
                        .getBalancesMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 10L, "b", 5L));
    }
}

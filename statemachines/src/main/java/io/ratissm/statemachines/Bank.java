package io.ratissm.statemachines;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoStateMachine;
import io.ratissm.statemachines.proto.BankCommand;
import io.ratissm.statemachines.proto.BankQuery;
import io.ratissm.statemachines.proto.BankReply;
import io.ratissm.statemachines.proto.Open;
import io.ratissm.statemachines.proto.Transfer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Accounts with integer balances. {@code open} creates a set of accounts once (a second open is a no-op, so
 * every client may send it); {@code transfer} moves money between two existing accounts and is refused with
 * {@link CommandRejected} when the source has too little, the same refusal on every replica, so no balance is
 * ever negative and the total never changes. {@code read} returns every balance.
 *
 * <p>The snapshot is the account count, then name and balance per account in name order.
 */
public final class Bank extends ProtoStateMachine<BankCommand, BankQuery> {
    private final TreeMap<String, Long> balances = new TreeMap<>();

    public Bank() {
        super(BankCommand.parser(), BankQuery.parser());
    }

    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(BankReply.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(BankReply.getDescriptor());
    }

    /** The command that opens {@code initial} accounts, unless accounts exist already. */
    public static BankCommand open(Map<String, Long> initial) {
        return BankCommand.newBuilder()
                .setOpen(Open.newBuilder().putAllBalances(initial))
                .build();
    }

    /** The command that moves {@code amount} from {@code from} to {@code to}. */
    public static BankCommand transfer(String from, String to, long amount) {
        return BankCommand.newBuilder()
                .setTransfer(Transfer.newBuilder().setFrom(from).setTo(to).setAmount(amount))
                .build();
    }

    /** The query that reads every balance. */
    public static BankQuery read() {
        return BankQuery.newBuilder().setRead(true).build();
    }

    @Override
    protected void validate(BankCommand command) throws CommandRejected {
        switch (command.getOpCase()) {
            case OPEN:
                for (long b : command.getOpen().getBalancesMap().values()) {
                    if (b < 0) {
                        throw new MalformedCommand("an account cannot open with a negative balance: " + b);
                    }
                }
                return;
            case TRANSFER: {
                Transfer t = command.getTransfer();
                if (t.getAmount() <= 0 || t.getFrom().equals(t.getTo())) {
                    throw new MalformedCommand("a transfer needs a positive amount between two different "
                            + "accounts, got " + t.getAmount() + " from " + t.getFrom() + " to " + t.getTo());
                }
                return;
            }
            default:
                throw new MalformedCommand("a bank command must set one of open, transfer");
        }
    }

    @Override
    protected Message apply(BankCommand command) throws CommandRejected {
        validate(command);
        if (command.hasOpen()) {
            if (balances.isEmpty()) {
                balances.putAll(command.getOpen().getBalancesMap());
            }
            return BankReply.newBuilder().putAllBalances(balances).build();
        }
        Transfer t = command.getTransfer();
        Long from = balances.get(t.getFrom());
        Long to = balances.get(t.getTo());
        if (from == null || to == null) {
            throw new CommandRejected("no such account: " + (from == null ? t.getFrom() : t.getTo()));
        }
        if (from < t.getAmount()) {
            throw new CommandRejected("insufficient funds: " + t.getFrom() + " has " + from + ", transfer of "
                    + t.getAmount() + " refused");
        }
        balances.put(t.getFrom(), from - t.getAmount());
        balances.put(t.getTo(), to + t.getAmount());
        return BankReply.newBuilder()
                .putBalances(t.getFrom(), from - t.getAmount())
                .putBalances(t.getTo(), to + t.getAmount())
                .build();
    }

    @Override
    protected Message query(BankQuery query) throws MalformedCommand {
        if (query.getOpCase() == BankQuery.OpCase.OP_NOT_SET) {
            throw new MalformedCommand("a bank query must set 'read'");
        }
        return BankReply.newBuilder().putAllBalances(balances).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(balances.size());
        for (Map.Entry<String, Long> e : balances.entrySet()) {
            data.writeUTF(e.getKey());
            data.writeLong(e.getValue());
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = data.readInt();
        if (n < 0) {
            throw new IOException("corrupt Bank snapshot: negative account count " + n);
        }
        balances.clear();
        for (int i = 0; i < n; i++) {
            balances.put(data.readUTF(), data.readLong());
        }
    }
}

package io.ratissm.jepsen.junit.planted;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachineSchema;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Planted bug (a): a field only the leader updates. Commands ({@code Int64Value} n > 0) add n to a total and answer
 * the new total; a submission quota counts them in {@link #validate}, and the query {@code "submitted"} answers that
 * count ({@code "total"} the total). But {@code validate} runs on the leader alone, before the command enters the log:
 * the count is in no command's effect, and followers never count. A linearizable read may be answered by a follower
 * (it asks the leader how far to apply, then answers from its own state), which says 0, and after a leader change the
 * new leader answers its own, smaller count; the model, which validates each command it applies, counts them all.
 */
public class LeaderOnlyQuota implements EffectStateMachine {
    /** The quota: large, so that the bug is the count, not a refusal. */
    static final long QUOTA = 1_000_000_000;

    private long total;
    private long submitted;

    @Override
    public void validate(ByteString command) throws CommandRejected {
        long n = amount(command);
        if (n <= 0) {
            throw new CommandRejected("amounts are positive, not " + n);
        }
        if (++submitted > QUOTA) { // the bug: a change of state, on the leader only
            throw new CommandRejected("quota of " + QUOTA + " submissions used up");
        }
    }

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        total += amount(command);
        return Int64Value.of(total).toByteString();
    }

    @Override
    public Execution execute(ByteString command) throws CommandRejected {
        long n = amount(command);
        total += n;
        return new Execution(
                Int64Value.of(total).toByteString(), Int64Value.of(n).toByteString());
    }

    @Override
    public void applyUpdate(ByteString update) {
        try {
            total += Int64Value.parseFrom(update).getValue();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not an update of " + getClass().getSimpleName(), e);
        }
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        String what;
        try {
            what = StringValue.parseFrom(query).getValue();
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("queries are StringValue \"total\" or \"submitted\"");
        }
        return switch (what) {
            case "total" -> Int64Value.of(total).toByteString();
            case "submitted" -> Int64Value.of(submitted).toByteString();
            default -> throw new MalformedCommand("no query '" + what + "'; ask \"total\" or \"submitted\"");
        };
    }

    private static long amount(ByteString command) throws MalformedCommand {
        try {
            return Int64Value.parseFrom(command).getValue();
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("commands are Int64Value amounts");
        }
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(total);
        data.writeLong(submitted);
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        total = data.readLong();
        submitted = data.readLong();
    }

    /** Declared, so that the history and the counterexample show replies as text. */
    @Override
    public Optional<StateMachineSchema> schema() {
        return Optional.of(StateMachineSchema.of(Int64Value.getDescriptor(), StringValue.getDescriptor())
                .withCommandReplyType(Int64Value.getDescriptor())
                .withQueryReplyType(Int64Value.getDescriptor()));
    }

    @Override
    public String toString() {
        return "{total " + total + ", submitted " + submitted + "}";
    }
}

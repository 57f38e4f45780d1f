package io.ratissm.jepsen.junit.planted;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import io.ratissm.EffectStateMachine;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachineSchema;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Case (d), correct but not idempotent: each command ({@code Int64Value} id) appends its id to a list and answers its
 * position (1 for the first). Applied twice, a command's id would appear twice and every later position would shift,
 * so a client retry applied again cannot hide. Any query answers the whole list, {@code "3 7 12"} in UTF-8. An
 * {@link EffectStateMachine}: the effect of a command is its id.
 */
public class AppendLog implements EffectStateMachine {
    private final List<Long> ids = new ArrayList<>();

    @Override
    public ByteString apply(ByteString command) throws MalformedCommand {
        ids.add(id(command));
        return Int64Value.of(ids.size()).toByteString();
    }

    @Override
    public Execution execute(ByteString command) throws MalformedCommand {
        ByteString reply = apply(command);
        return new Execution(reply, command);
    }

    @Override
    public void applyUpdate(ByteString update) {
        try {
            ids.add(id(update));
        } catch (MalformedCommand e) {
            throw new IllegalStateException("not an update of " + getClass().getSimpleName(), e);
        }
    }

    private static long id(ByteString command) throws MalformedCommand {
        try {
            return Int64Value.parseFrom(command).getValue();
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("commands are Int64Value ids");
        }
    }

    @Override
    public ByteString query(ByteString query) {
        return ByteString.copyFromUtf8(ids.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(ids.size());
        for (long id : ids) {
            data.writeLong(id);
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = data.readInt();
        for (int i = 0; i < n; i++) {
            ids.add(data.readLong());
        }
    }

    /** Declared, so that the history shows commands and their replies as text. */
    @Override
    public Optional<StateMachineSchema> schema() {
        return Optional.of(StateMachineSchema.of(Int64Value.getDescriptor(), StringValue.getDescriptor())
                .withCommandReplyType(Int64Value.getDescriptor()));
    }

    @Override
    public String toString() {
        return ids.toString();
    }
}

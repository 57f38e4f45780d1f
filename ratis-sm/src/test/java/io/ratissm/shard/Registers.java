package io.ratissm.shard;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.MalformedCommand;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * A map of registers for the sharding tests, in text: command {@code put K V} (replies with the previous value),
 * queries {@code get K} and {@code keys} (every key it holds, space separated). Its update is the command.
 */
final class Registers implements EffectStateMachine {
    private final Map<String, String> values = new TreeMap<>();

    static ByteString put(String key, String value) {
        return ByteString.copyFromUtf8("put " + key + " " + value);
    }

    static ByteString get(String key) {
        return ByteString.copyFromUtf8("get " + key);
    }

    static ByteString keys() {
        return ByteString.copyFromUtf8("keys");
    }

    @Override
    public Execution execute(ByteString command) throws CommandRejected {
        return new Execution(apply(command), command);
    }

    @Override
    public void applyUpdate(ByteString update) {
        try {
            apply(update);
        } catch (CommandRejected e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        String[] words = command.toStringUtf8().split(" ", 3);
        if (words.length != 3 || !words[0].equals("put")) {
            throw new MalformedCommand("not 'put K V': " + command.toStringUtf8());
        }
        String previous = values.put(words[1], words[2]);
        return ByteString.copyFromUtf8(previous == null ? "" : previous);
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        String[] words = query.toStringUtf8().split(" ", 2);
        if (words[0].equals("keys")) {
            return ByteString.copyFromUtf8(String.join(" ", values.keySet()));
        }
        if (words.length == 2 && words[0].equals("get")) {
            return ByteString.copyFromUtf8(values.getOrDefault(words[1], ""));
        }
        throw new MalformedCommand("not 'get K' or 'keys': " + query.toStringUtf8());
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(values.size());
        for (Map.Entry<String, String> e : values.entrySet()) {
            data.writeUTF(e.getKey());
            data.writeUTF(e.getValue());
        }
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = data.readInt();
        for (int i = 0; i < n; i++) {
            values.put(data.readUTF(), data.readUTF());
        }
    }
}

package io.ratissm.jepsen.junit.planted;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoStateMachine;
import io.ratissm.statemachines.proto.CompareAndSet;
import io.ratissm.statemachines.proto.KvCommand;
import io.ratissm.statemachines.proto.KvQuery;
import io.ratissm.statemachines.proto.KvReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * Planted bug (c): a snapshot that drops part of the state. A key-value store that speaks the bundled {@code KvStore}'s
 * commands and queries (so the harness's {@code register} workload drives it) and buffers writes: a put or a
 * successful cas lands in {@code recent}, which moves into {@code settled} every {@value #MERGE_EVERY} writes, and a
 * get looks in {@code recent} first. Its snapshot writes {@code settled} and the write count, and forgets {@code
 * recent}: a replica restarted from a snapshot has lost the writes still buffered when it was taken, while every
 * reply is right until a replica loads a snapshot. (Its own snapshot as the model would lose them at every step, so
 * it is tested against a hand model: the register workload's.)
 */
public class WriteBehindKv extends ProtoStateMachine<KvCommand, KvQuery> {
    static final int MERGE_EVERY = 16;

    private final TreeMap<String, ByteString> settled = new TreeMap<>();
    private final TreeMap<String, ByteString> recent = new TreeMap<>();
    private long writes;

    public WriteBehindKv() {
        super(KvCommand.parser(), KvQuery.parser());
    }

    @Override
    protected Message apply(KvCommand command) throws MalformedCommand {
        switch (command.getOpCase()) {
            case PUT: {
                ByteString previous = current(command.getPut().getKey());
                write(command.getPut().getKey(), command.getPut().getValue());
                return reply(previous);
            }
            case CAS: {
                CompareAndSet cas = command.getCas();
                ByteString value = current(cas.getKey());
                boolean matches =
                        cas.hasExpectAbsent() ? value == null : value != null && value.equals(cas.getExpectedValue());
                if (!matches) {
                    return value == null
                            ? KvReply.getDefaultInstance()
                            : KvReply.newBuilder()
                                    .setFound(false)
                                    .setValue(value)
                                    .build();
                }
                write(cas.getKey(), cas.getNewValue());
                return KvReply.newBuilder()
                        .setFound(true)
                        .setValue(cas.getNewValue())
                        .build();
            }
            default:
                throw new MalformedCommand("this store takes put and cas");
        }
    }

    private void write(String key, ByteString value) {
        recent.put(key, value);
        if (++writes % MERGE_EVERY == 0) {
            settled.putAll(recent);
            recent.clear();
        }
    }

    private ByteString current(String key) {
        ByteString r = recent.get(key);
        return r != null ? r : settled.get(key);
    }

    @Override
    protected Message query(KvQuery query) throws MalformedCommand {
        if (!query.hasGet()) {
            throw new MalformedCommand("this store answers get");
        }
        return reply(current(query.getGet().getKey()));
    }

    private static KvReply reply(ByteString value) {
        return value == null
                ? KvReply.getDefaultInstance()
                : KvReply.newBuilder().setFound(true).setValue(value).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeInt64NoTag(writes);
        coded.writeInt64NoTag(settled.size()); // the bug: recent is not written
        for (Map.Entry<String, ByteString> e : settled.entrySet()) {
            coded.writeStringNoTag(e.getKey());
            coded.writeBytesNoTag(e.getValue());
        }
        coded.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(in);
        writes = coded.readInt64();
        long n = coded.readInt64();
        for (long i = 0; i < n; i++) {
            settled.put(coded.readString(), coded.readBytes());
        }
    }
}

package io.ratissm.statemachines;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoEffectStateMachine;
import io.ratissm.statemachines.proto.CompareAndSet;
import io.ratissm.statemachines.proto.Delete;
import io.ratissm.statemachines.proto.Get;
import io.ratissm.statemachines.proto.KeyWrite;
import io.ratissm.statemachines.proto.KvCommand;
import io.ratissm.statemachines.proto.KvQuery;
import io.ratissm.statemachines.proto.KvReply;
import io.ratissm.statemachines.proto.KvUpdate;
import io.ratissm.statemachines.proto.Put;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A key-value store: string keys, byte values; get, put, delete and compare-and-set. A failed CAS is an ordinary
 * reply ({@code found=false} with the current value), not a rejection.
 *
 * <p>Keys are kept sorted, so the snapshot (a count, then key/value pairs, streamed) is byte-for-byte the same on
 * every replica with the same state. The update a PASSIVE leader logs is the keys a command wrote.
 */
public final class KvStore extends ProtoEffectStateMachine<KvCommand, KvQuery, KvUpdate> {
    private final TreeMap<String, ByteString> entries = new TreeMap<>();

    public KvStore() {
        super(KvCommand.parser(), KvQuery.parser(), KvUpdate.parser());
    }

    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(KvReply.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(KvReply.getDescriptor());
    }

    public static KvCommand put(String key, ByteString value) {
        return KvCommand.newBuilder()
                .setPut(Put.newBuilder().setKey(key).setValue(value))
                .build();
    }

    public static KvCommand delete(String key) {
        return KvCommand.newBuilder().setDelete(Delete.newBuilder().setKey(key)).build();
    }

    /** CAS from {@code expected} to {@code next}; {@code expected == null} means "the key is absent". */
    public static KvCommand cas(String key, ByteString expected, ByteString next) {
        CompareAndSet.Builder b = CompareAndSet.newBuilder().setKey(key).setNewValue(next);
        if (expected == null) {
            b.setExpectAbsent(true);
        } else {
            b.setExpectedValue(expected);
        }
        return KvCommand.newBuilder().setCas(b).build();
    }

    public static KvQuery get(String key) {
        return KvQuery.newBuilder().setGet(Get.newBuilder().setKey(key)).build();
    }

    public static KvQuery size() {
        return KvQuery.newBuilder().setSize(true).build();
    }

    @Override
    protected void validate(KvCommand command) throws MalformedCommand {
        if (command.getOpCase() == KvCommand.OpCase.OP_NOT_SET) {
            throw new MalformedCommand("a kv command must set one of put, delete, cas");
        }
        if (command.hasCas() && command.getCas().getExpectedCase() == CompareAndSet.ExpectedCase.EXPECTED_NOT_SET) {
            throw new MalformedCommand("a cas must set expected_value or expect_absent");
        }
    }

    @Override
    protected Effect<KvUpdate> execute(KvCommand command) throws MalformedCommand {
        switch (command.getOpCase()) {
            case PUT: {
                Put put = command.getPut();
                ByteString previous = entries.put(put.getKey(), put.getValue());
                return new Effect<>(reply(previous), written(put.getKey(), put.getValue()));
            }
            case DELETE: {
                String key = command.getDelete().getKey();
                ByteString previous = entries.remove(key);
                return new Effect<>(
                        reply(previous),
                        previous == null
                                ? KvUpdate.getDefaultInstance()
                                : KvUpdate.newBuilder()
                                        .addWrites(KeyWrite.newBuilder()
                                                .setKey(key)
                                                .setDeleted(true))
                                        .build());
            }
            case CAS:
                return cas(command.getCas());
            default:
                throw new MalformedCommand("a kv command must set one of put, delete, cas");
        }
    }

    private Effect<KvUpdate> cas(CompareAndSet cas) {
        ByteString current = entries.get(cas.getKey());
        boolean matches =
                cas.hasExpectAbsent() ? current == null : current != null && current.equals(cas.getExpectedValue());
        if (!matches) {
            KvReply.Builder r = KvReply.newBuilder().setFound(false);
            if (current != null) {
                r.setValue(current);
            }
            return new Effect<>(r.build(), KvUpdate.getDefaultInstance());
        }
        entries.put(cas.getKey(), cas.getNewValue());
        return new Effect<>(
                KvReply.newBuilder().setFound(true).setValue(cas.getNewValue()).build(),
                written(cas.getKey(), cas.getNewValue()));
    }

    private static KvUpdate written(String key, ByteString value) {
        return KvUpdate.newBuilder()
                .addWrites(KeyWrite.newBuilder().setKey(key).setValue(value))
                .build();
    }

    @Override
    protected void applyUpdate(KvUpdate update) {
        for (KeyWrite w : update.getWritesList()) {
            if (w.getChangeCase() == KeyWrite.ChangeCase.DELETED) {
                entries.remove(w.getKey());
            } else {
                entries.put(w.getKey(), w.getValue());
            }
        }
    }

    @Override
    protected Message query(KvQuery query) throws MalformedCommand {
        switch (query.getOpCase()) {
            case GET:
                return reply(entries.get(query.getGet().getKey()));
            case SIZE:
                return KvReply.newBuilder().setSize(entries.size()).build();
            default:
                throw new MalformedCommand("a kv query must set get or size");
        }
    }

    private static KvReply reply(ByteString value) {
        return value == null
                ? KvReply.getDefaultInstance()
                : KvReply.newBuilder().setFound(true).setValue(value).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeInt64NoTag(entries.size());
        for (Map.Entry<String, ByteString> e : entries.entrySet()) {
            coded.writeStringNoTag(e.getKey());
            coded.writeBytesNoTag(e.getValue());
        }
        coded.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(in);
        coded.setSizeLimit(Integer.MAX_VALUE);
        long n = coded.readInt64();
        if (n < 0) {
            throw new IOException("corrupt KvStore snapshot: negative entry count " + n);
        }
        for (long i = 0; i < n; i++) {
            // Reset the limit counter so that states over 2 GiB stream through.
            coded.resetSizeCounter();
            entries.put(coded.readString(), coded.readBytes());
        }
    }
}

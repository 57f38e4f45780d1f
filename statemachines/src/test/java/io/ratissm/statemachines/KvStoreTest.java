package io.ratissm.statemachines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.MalformedCommand;
import io.ratissm.statemachines.proto.KvCommand;
import io.ratissm.statemachines.proto.KvReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class KvStoreTest {
    private final KvStore kv = new KvStore();

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private KvReply apply(KvCommand c) throws Exception {
        return KvReply.parseFrom(kv.apply(c.toByteString()));
    }

    private KvReply get(String key) throws Exception {
        return KvReply.parseFrom(kv.query(KvStore.get(key).toByteString()));
    }

    @Test
    void putReturnsThePreviousValueAndGetReadsIt() throws Exception {
        assertThat(apply(KvStore.put("a", b("1"))).getFound()).isFalse();
        KvReply second = apply(KvStore.put("a", b("2")));

        assertThat(second.getValue()).isEqualTo(b("1"));
        assertThat(get("a").getValue()).isEqualTo(b("2"));
    }

    @Test
    void deleteRemovesTheKey() throws Exception {
        apply(KvStore.put("a", b("1")));

        assertThat(apply(KvStore.delete("a")).getFound()).isTrue();
        assertThat(get("a").getFound()).isFalse();
        assertThat(apply(KvStore.delete("a")).getFound()).isFalse();
    }

    @Test
    void casSucceedsOnlyFromTheExpectedValue() throws Exception {
        assertThat(apply(KvStore.cas("a", null, b("1"))).getFound())
                .as("cas from absent")
                .isTrue();
        assertThat(apply(KvStore.cas("a", null, b("x"))).getFound())
                .as("cas from absent, now present")
                .isFalse();

        KvReply miss = apply(KvStore.cas("a", b("2"), b("3")));
        assertThat(miss.getFound()).isFalse();
        assertThat(miss.getValue()).as("the current value comes back").isEqualTo(b("1"));

        assertThat(apply(KvStore.cas("a", b("1"), b("3"))).getFound()).isTrue();
        assertThat(get("a").getValue()).isEqualTo(b("3"));
    }

    @Test
    void commandsWithoutAnOperationAreMalformed() {
        assertThatThrownBy(() -> kv.validate(KvCommand.getDefaultInstance().toByteString()))
                .isInstanceOf(MalformedCommand.class);
        assertThatThrownBy(() -> kv.validate(ByteString.copyFrom(new byte[] {0x0a, (byte) 0xff})))
                .isInstanceOf(MalformedCommand.class)
                .hasMessageContaining("not a valid Protobuf message");
    }

    @Test
    void aSnapshotRestoresTheSameStateAndIsDeterministic() throws Exception {
        for (int i = 0; i < 100; i++) {
            apply(KvStore.put("k" + (i * 7 % 100), b("v" + i)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        kv.writeSnapshot(out);

        KvStore restored = new KvStore();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        restored.writeSnapshot(again);

        assertThat(again.toByteArray()).isEqualTo(out.toByteArray());
        assertThat(KvReply.parseFrom(restored.query(KvStore.size().toByteString()))
                        .getSize())
                .isEqualTo(100);
    }

    @Test
    void aTruncatedSnapshotIsAnError() throws Exception {
        apply(KvStore.put("a", b("1")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        kv.writeSnapshot(out);
        byte[] truncated = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 1);

        assertThatThrownBy(() -> new KvStore().readSnapshot(new ByteArrayInputStream(truncated)))
                .isInstanceOf(IOException.class);
    }
}

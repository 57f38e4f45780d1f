package io.ratissm.bench.statemachines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BenchStateMachinesTest {

    @Test
    void paddedCounter_addsTheFirstEightBytes_andIgnoresThePadding() throws Exception {
        PaddedCounter counter = new PaddedCounter();
        counter.apply(ByteString.copyFrom(PaddedCounter.command(5, 1024)));
        ByteString reply = counter.apply(ByteString.copyFrom(PaddedCounter.command(-2, 16)));

        assertThat(ByteBuffer.wrap(reply.toByteArray()).getLong()).isEqualTo(3);
        assertThat(PaddedCounter.command(1, 16)).hasSize(16);
        assertThatThrownBy(() -> counter.validate(ByteString.copyFrom(new byte[7])))
                .isInstanceOf(MalformedCommand.class);
    }

    @Test
    void hashChain_reachesTheSameDigest_fromTheSameCommands() throws Exception {
        HashChain a = new HashChain();
        HashChain b = new HashChain();
        a.apply(HashChain.command(10));
        ByteString afterTwo = a.apply(HashChain.command(10));
        ByteString afterOne = b.apply(HashChain.command(10));

        assertThat(afterOne).isNotEqualTo(afterTwo);
        assertThat(b.apply(HashChain.command(10))).isEqualTo(afterTwo);
        assertThat(new HashChain().apply(HashChain.command(0))).isEqualTo(ByteString.copyFrom(new byte[32]));
    }

    @Test
    void blobState_fillsTheSameBytesOnEveryReplica_andRestoresThemFromItsSnapshot() throws Exception {
        BlobState a = new BlobState();
        BlobState b = new BlobState();
        a.apply(BlobState.fill(1 << 20, 7));
        b.apply(BlobState.fill(1 << 20, 7));
        a.apply(BlobState.touch());
        b.apply(BlobState.touch());

        byte[] snapshotA = snapshot(a);
        assertThat(snapshotA).hasSize(8 + 4 + (1 << 20)).isEqualTo(snapshot(b));

        BlobState restored = new BlobState();
        restored.readSnapshot(new ByteArrayInputStream(snapshotA));
        assertThat(snapshot(restored)).isEqualTo(snapshotA);
        assertThat(restored.query(ByteString.EMPTY)).isEqualTo(a.query(ByteString.EMPTY));
    }

    private static byte[] snapshot(StateMachine sm) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.writeSnapshot(out);
        return out.toByteArray();
    }
}

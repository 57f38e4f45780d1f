package io.ratissm.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.statemachines.proto.CounterValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class CounterTest {

    @Test
    void addReturnsTheNewValueAndSnapshotsRestoreIt() throws Exception {
        Counter c = new Counter();
        c.apply(Counter.add(5).toByteString());
        CounterValue v = CounterValue.parseFrom(c.apply(Counter.add(-2).toByteString()));
        assertThat(v.getValue()).isEqualTo(3);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.writeSnapshot(out);
        Counter restored = new Counter();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));

        assertThat(CounterValue.parseFrom(restored.query(Counter.get().toByteString()))
                        .getValue())
                .isEqualTo(3);
    }
}

package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.EffectStateMachine;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.proto.CounterValue;
import io.ratissm.statemachines.proto.SetReply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slow variant's state machine: the same answers, later, and the same capabilities. */
class SlowStateMachineTest {
    private static final Duration DELAY = Duration.ofMillis(30);

    @Test
    void aSlowCounterExecutesAfterTheDelayAndItsUpdatesGiveTheSameState() throws Exception {
        EffectStateMachine leader = new SlowEffectStateMachine(new Counter(), DELAY);
        EffectStateMachine follower = new SlowEffectStateMachine(new Counter(), DELAY);

        long begin = System.nanoTime();
        EffectStateMachine.Execution added = leader.execute(Counter.add(5).toByteString());
        long tookNanos = System.nanoTime() - begin;
        follower.applyUpdate(added.update());

        assertThat(Duration.ofNanos(tookNanos)).isGreaterThanOrEqualTo(DELAY);
        ByteString get = Counter.get().toByteString();
        assertThat(CounterValue.parseFrom(leader.query(get)).getValue()).isEqualTo(5);
        assertThat(CounterValue.parseFrom(follower.query(get)).getValue()).isEqualTo(5);
    }

    @Test
    void theReplicasConfigurationNamesTheWrapperThatKeepsTheDelegatesCapabilities() {
        NodeStateMachine counter = NodeStateMachine.of(Counter.class, List.of());
        NodeStateMachine set = NodeStateMachine.of(IntSet.class, List.of());

        assertThat(counter.configValue(Duration.ZERO)).isEqualTo(Counter.class.getName());
        assertThat(counter.jvmProperties(Duration.ZERO)).isEmpty();
        assertThat(counter.configValue(DELAY)).isEqualTo(SlowEffectStateMachine.class.getName());
        assertThat(counter.jvmProperties(DELAY))
                .containsExactly(
                        "-D" + SlowStateMachine.DELEGATE_PROPERTY + "=" + Counter.class.getName(),
                        "-D" + SlowStateMachine.DELAY_PROPERTY + "=30");
        assertThat(set.configValue(DELAY)).isEqualTo(SlowStateMachine.class.getName());
    }

    @Test
    void theNoArgumentConstructorsTakeTheDelegateAndDelayFromSystemProperties() throws Exception {
        System.setProperty(SlowStateMachine.DELEGATE_PROPERTY, IntSet.class.getName());
        System.setProperty(SlowStateMachine.DELAY_PROPERTY, "30");
        try {
            SlowStateMachine slowSet = new SlowStateMachine();
            long begin = System.nanoTime();
            slowSet.apply(IntSet.add(7).toByteString());
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(DELAY);
            assertThat(SetReply.parseFrom(slowSet.query(IntSet.read().toByteString()))
                            .getElementsList())
                    .containsExactly(7L);

            assertThatThrownBy(SlowEffectStateMachine::new)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(IntSet.class.getName() + " is no EffectStateMachine");
        } finally {
            System.clearProperty(SlowStateMachine.DELEGATE_PROPERTY);
            System.clearProperty(SlowStateMachine.DELAY_PROPERTY);
        }
    }
}

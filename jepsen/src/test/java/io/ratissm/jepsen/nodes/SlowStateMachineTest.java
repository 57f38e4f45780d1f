package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.proto.CounterValue;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The slow variant's state machine: the same answers, later, and the same capabilities. */
class SlowStateMachineTest {
    private static final Duration DELAY = Duration.ofMillis(30);

    @Test
    void aSlowCounterExecutesAfterTheDelayAndItsUpdatesGiveTheSameState() throws Exception {
        StateMachine slow = StateMachineKind.COUNTER.factory(DELAY).get();
        assertThat(slow).as("keeps the effect capability for PASSIVE mode").isInstanceOf(EffectStateMachine.class);
        EffectStateMachine leader = (EffectStateMachine) slow;
        StateMachine follower = StateMachineKind.COUNTER.factory(DELAY).get();

        long begin = System.nanoTime();
        EffectStateMachine.Execution added = leader.execute(Counter.add(5).toByteString());
        long tookNanos = System.nanoTime() - begin;
        ((EffectStateMachine) follower).applyUpdate(added.update());

        assertThat(Duration.ofNanos(tookNanos)).isGreaterThanOrEqualTo(DELAY);
        ByteString get = Counter.get().toByteString();
        assertThat(CounterValue.parseFrom(leader.query(get)).getValue()).isEqualTo(5);
        assertThat(CounterValue.parseFrom(follower.query(get)).getValue()).isEqualTo(5);
    }

    @Test
    void withoutADelayTheStateMachineIsUnwrapped() {
        assertThat(StateMachineKind.SET.factory(Duration.ZERO).get()).isInstanceOf(IntSet.class);
        assertThat(StateMachineKind.SET.factory(DELAY).get()).isNotInstanceOf(EffectStateMachine.class);
    }
}

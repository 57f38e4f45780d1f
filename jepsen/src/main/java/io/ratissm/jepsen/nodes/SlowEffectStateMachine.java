package io.ratissm.jepsen.nodes;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import java.time.Duration;

/**
 * {@link SlowStateMachine} for a delegate that PASSIVE mode can run with effects: {@code execute} on the leader
 * takes the delay, {@code applyUpdate} does not. Configured by the same system properties; the delegate must be an
 * {@link EffectStateMachine}.
 */
public final class SlowEffectStateMachine extends SlowStateMachine implements EffectStateMachine {
    private final EffectStateMachine effects;

    /** The delegate and delay of the replica JVM's system properties. */
    public SlowEffectStateMachine() {
        this(withEffects(fromSystemProperties()), configuredDelay());
    }

    SlowEffectStateMachine(EffectStateMachine effects, Duration delay) {
        super(effects, delay);
        this.effects = effects;
    }

    private static EffectStateMachine withEffects(StateMachine sm) {
        if (sm instanceof EffectStateMachine effects) {
            return effects;
        }
        throw new IllegalStateException(sm.getClass().getName() + " is no " + EffectStateMachine.class.getSimpleName()
                + ": slow it down with " + SlowStateMachine.class.getName());
    }

    @Override
    public Execution execute(ByteString command) throws CommandRejected {
        work();
        return effects.execute(command);
    }

    @Override
    public void applyUpdate(ByteString update) {
        effects.applyUpdate(update);
    }
}

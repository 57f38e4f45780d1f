package io.ratissm.jepsen.nodes;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A state machine whose commands take {@code delay} longer to run, as user logic that calls out or computes would:
 * {@code apply} (every replica, ACTIVE mode) and {@code execute} (the leader, PASSIVE mode) wait before delegating.
 * Applying a PASSIVE update stays fast, as it is meant to be. Long executions widen the windows in which a leader
 * holds executed but uncommitted commands, which is where PASSIVE replication has to be careful when it loses
 * leadership. Everything else is delegated unchanged, so the checkers judge the same state machine.
 */
public class SlowStateMachine implements StateMachine {
    private final StateMachine delegate;
    private final Duration delay;

    private SlowStateMachine(StateMachine delegate, Duration delay) {
        this.delegate = delegate;
        this.delay = delay;
    }

    /** {@code sm} itself if {@code delay} is zero; keeps the {@link EffectStateMachine} capability if it has it. */
    public static StateMachine wrap(StateMachine sm, Duration delay) {
        if (delay.isZero()) {
            return sm;
        }
        return sm instanceof EffectStateMachine effects
                ? new WithEffects(effects, delay)
                : new SlowStateMachine(sm, delay);
    }

    /** The time a command's user logic takes. */
    final void work() {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the replica is stopping: let the caller see the flag
        }
    }

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        work();
        return delegate.apply(command);
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        return delegate.query(query);
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        delegate.writeSnapshot(out);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        delegate.readSnapshot(in);
    }

    @Override
    public void validate(ByteString command) throws CommandRejected {
        delegate.validate(command);
    }

    @Override
    public Optional<ByteString> digest() {
        return delegate.digest();
    }

    @Override
    public boolean queriesAreThreadSafe() {
        return delegate.queriesAreThreadSafe();
    }

    /** The same for a state machine that PASSIVE mode can run with effects. */
    private static final class WithEffects extends SlowStateMachine implements EffectStateMachine {
        private final EffectStateMachine effects;

        WithEffects(EffectStateMachine effects, Duration delay) {
            super(effects, delay);
            this.effects = effects;
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
}

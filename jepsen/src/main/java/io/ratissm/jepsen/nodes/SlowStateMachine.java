package io.ratissm.jepsen.nodes;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.StateMachineSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A state machine whose commands take {@code delay} longer to run, as user logic that calls out or computes would:
 * {@code apply} (every replica, ACTIVE mode) waits before delegating, and so does {@code execute} (the leader,
 * PASSIVE mode) in {@link SlowEffectStateMachine}. Applying a PASSIVE update stays fast, as it is meant to be. Long
 * executions widen the windows in which a leader holds executed but uncommitted commands, which is where PASSIVE
 * replication has to be careful when it loses leadership. Everything else is delegated unchanged, so the checkers
 * judge the same state machine.
 *
 * <p>A harness replica runs it as any user's class: its configuration names this class, and the replica JVM's
 * system properties {@value #DELEGATE_PROPERTY} (the delegate's class, with a public constructor without arguments)
 * and {@value #DELAY_PROPERTY} (milliseconds) say what it wraps and how slow it is.
 */
public class SlowStateMachine implements StateMachine {
    /** The system property naming the delegate's class. */
    public static final String DELEGATE_PROPERTY = "ratissm.jepsen.slow.delegate";
    /** The system property giving the delay in milliseconds. */
    public static final String DELAY_PROPERTY = "ratissm.jepsen.slow.delay-ms";

    private final StateMachine delegate;
    private final Duration delay;

    /** The delegate and delay of the replica JVM's system properties. */
    public SlowStateMachine() {
        this(fromSystemProperties(), configuredDelay());
    }

    SlowStateMachine(StateMachine delegate, Duration delay) {
        this.delegate = delegate;
        this.delay = delay;
    }

    /** A new instance of the class {@value #DELEGATE_PROPERTY} names. */
    static StateMachine fromSystemProperties() {
        String name = System.getProperty(DELEGATE_PROPERTY);
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("-D" + DELEGATE_PROPERTY + " must name the state machine to slow down");
        }
        try {
            return (StateMachine) Class.forName(name, true, SlowStateMachine.class.getClassLoader())
                    .getConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("-D" + DELEGATE_PROPERTY + "=" + name + " cannot be made: " + e, e);
        }
    }

    /** The delay {@value #DELAY_PROPERTY} gives. */
    static Duration configuredDelay() {
        String millis = System.getProperty(DELAY_PROPERTY);
        try {
            return Duration.ofMillis(Long.parseLong(String.valueOf(millis).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "-D" + DELAY_PROPERTY + " must be a number of milliseconds, was " + millis, e);
        }
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

    // The delegate's message types: 'client call' and the typed client work against a slowed group too.
    @Override
    public Optional<StateMachineSchema> schema() {
        return delegate.schema();
    }

    @Override
    public boolean queriesAreThreadSafe() {
        return delegate.queriesAreThreadSafe();
    }
}

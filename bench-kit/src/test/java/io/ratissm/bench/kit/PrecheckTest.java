package io.ratissm.bench.kit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.EffectStateMachine;
import io.ratissm.NonNegativeCounter;
import io.ratissm.Replication;
import io.ratissm.bench.kit.internal.Precheck;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The user's code tried before a group starts: each mistake fails at once, with what to do. */
class PrecheckTest {
    private static final CommandGenerator ONES = random -> NonNegativeCounter.add(1);

    @Test
    void aStateMachineThatRejectsEveryCommand_failsWithItsReason() {
        assertThatThrownBy(() -> Precheck.run(
                        new NonNegativeCounter(),
                        "NonNegativeCounter",
                        random -> ByteString.EMPTY,
                        "Empties",
                        Replication.ACTIVE,
                        1))
                .isInstanceOf(EveryCommandRejectedException.class)
                .hasMessageContaining("NonNegativeCounter rejected every one of the 200 commands of Empties; the first"
                        + " because: a command is 8 bytes, this one has 0");
    }

    @Test
    void aStateMachineThatRejectsSomeCommands_passes() {
        AtomicInteger n = new AtomicInteger();
        CommandGenerator everyOtherEmpty =
                random -> n.incrementAndGet() % 2 == 0 ? ByteString.EMPTY : NonNegativeCounter.add(1);

        assertThatCode(() -> Precheck.run(
                        new NonNegativeCounter(),
                        "NonNegativeCounter",
                        everyOtherEmpty,
                        "Halves",
                        Replication.ACTIVE,
                        1))
                .doesNotThrowAnyException();
    }

    @Test
    void aGeneratorThatThrows_failsNamingTheCommand() {
        AtomicInteger n = new AtomicInteger();
        CommandGenerator third = random -> {
            if (n.incrementAndGet() == 3) {
                throw new IllegalArgumentException("no more job ids");
            }
            return NonNegativeCounter.add(1);
        };

        assertThatThrownBy(() -> Precheck.run(
                        new NonNegativeCounter(), "NonNegativeCounter", third, "Jobs", Replication.ACTIVE, 1))
                .isInstanceOf(CommandGeneratorException.class)
                .hasMessageContaining(
                        "Jobs threw java.lang.IllegalArgumentException: no more job ids making command 3");
        assertThatThrownBy(() -> Precheck.run(
                        new NonNegativeCounter(), "NonNegativeCounter", random -> null, "Nulls", Replication.ACTIVE, 1))
                .isInstanceOf(CommandGeneratorException.class)
                .hasMessageContaining("Nulls returned null for command 1");
    }

    @Test
    void aStateMachineThatThrows_failsSayingItWouldFailStopTheGroup_applyInActiveMode_executeInPassiveMode() {
        assertThatThrownBy(() -> Precheck.run(new Broken(), "Broken", ONES, "Ones", Replication.ACTIVE, 1))
                .isInstanceOf(StateMachineException.class)
                .hasMessageContaining("Broken threw java.lang.IllegalStateException: apply is broken on command 1")
                .hasMessageContaining("it would fail-stop every replica");
        assertThatThrownBy(() -> Precheck.run(new Broken(), "Broken", ONES, "Ones", Replication.PASSIVE, 1))
                .isInstanceOf(StateMachineException.class)
                .hasMessageContaining("execute is broken");
    }

    @Test
    void aConstructorThatThrows_failsNamingTheFactory() {
        assertThatThrownBy(() -> Precheck.make(
                        () -> {
                            throw new IllegalStateException("no config");
                        },
                        "MyBenchmark.newStateMachine()"))
                .isInstanceOf(StateMachineException.class)
                .hasMessage("MyBenchmark.newStateMachine() threw java.lang.IllegalStateException: no config making the"
                        + " state machine");
    }

    /** A state machine whose apply and execute throw what is not a CommandRejected: a bug. */
    private static final class Broken implements EffectStateMachine {
        @Override
        public ByteString apply(ByteString command) {
            throw new IllegalStateException("apply is broken");
        }

        @Override
        public Execution execute(ByteString command) {
            throw new IllegalStateException("execute is broken");
        }

        @Override
        public void applyUpdate(ByteString update) {}

        @Override
        public ByteString query(ByteString query) {
            return ByteString.EMPTY;
        }

        @Override
        public void writeSnapshot(OutputStream out) {}

        @Override
        public void readSnapshot(InputStream in) {}
    }
}

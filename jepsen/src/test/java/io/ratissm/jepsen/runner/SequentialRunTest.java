package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.IndependentModel;
import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.checker.Models;
import io.ratissm.jepsen.workload.BankWorkload;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.CounterWorkload;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.RegisterWorkload;
import io.ratissm.jepsen.workload.SetWorkload;
import io.ratissm.jepsen.workload.Workload;
import io.ratissm.statemachines.Bank;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The run of a workload alone against its state machine in this JVM, before its test. */
class SequentialRunTest {

    private static RegisterWorkload register() {
        return new RegisterWorkload(2, 300, Duration.ofMinutes(1));
    }

    @Test
    void theBundledRegisterAgreesWithItsCasRegisterModelKeyByKey() {
        assertThat(SequentialRun.check(register(), KvStore::new, 11))
                .isEqualTo("sequential run: 300 ops (seed 11) against io.ratissm.statemachines.KvStore in this JVM"
                        + " agree with the model cas-register");
    }

    @Test
    void theBundledCounterSetAndBankComplete() {
        assertThat(SequentialRun.check(new CounterWorkload(), Counter::new, 1)).contains("300 ops", "completed");
        assertThat(SequentialRun.check(new SetWorkload(), IntSet::new, 1)).contains("300 ops", "completed");
        assertThat(SequentialRun.check(new BankWorkload(), Bank::new, 1)).contains("300 ops", "completed");
    }

    @Test
    void aModelWithoutAnOperationOfTheWorkloadIsNamedWithTheOp() {
        Workload plainRegister = new Delegating(register()) {
            @Override
            public Model model() {
                return new IndependentModel(Models.create("register", true, null));
            }
        };

        assertThatThrownBy(() -> SequentialRun.check(plainRegister, KvStore::new, 11))
                .isInstanceOf(SequentialRunException.class)
                .hasMessageContaining("its model register does not understand op ")
                .hasMessageContaining(":f :cas");
    }

    @Test
    void aWorkloadThatMisreadsRepliesDisagreesWithItsModelAtTheFirstReadOfAWrittenKey() {
        // reads report one more than the value read: the model, which holds the value written, cannot agree
        Workload offByOne = new Delegating(register()) {
            @Override
            public Completion completion(Invocation op, ByteString reply) throws IOException {
                Completion c = super.completion(op, reply);
                if (op.readOnly() && c.value() instanceof List<?> kv && kv.get(1) instanceof Long v) {
                    return Completion.ok(Arrays.asList(kv.get(0), v + 1));
                }
                return c;
            }
        };

        assertThatThrownBy(() -> SequentialRun.check(offByOne, KvStore::new, 11))
                .isInstanceOf(SequentialRunException.class)
                .hasMessageContaining("its model cas-register disagrees with the state machine at op ")
                .hasMessageMatching("(?s).*\n  op: +:read \\[(\\d+) nil\\]\n"
                        + "  the model's state before it: +(\\d+) \\(key \\1\\), from which it cannot give that reply\n"
                        + "  the state machine's reply: +:ok \\[\\1 \\d+\\]\n.*");
    }

    /** A state machine with a bug: every command throws. */
    public static final class ThrowsOnApply implements StateMachine {
        @Override
        public ByteString apply(ByteString command) {
            throw new IllegalStateException("not implemented yet");
        }

        @Override
        public ByteString query(ByteString query) {
            return CounterValue.getDefaultInstance().toByteString();
        }

        @Override
        public void writeSnapshot(OutputStream out) {}

        @Override
        public void readSnapshot(InputStream in) {}
    }

    @Test
    void aStateMachineThatThrowsIsNamedWithTheOpItThrewOn() {
        assertThatThrownBy(() -> SequentialRun.check(new CounterWorkload(), ThrowsOnApply::new, 3))
                .isInstanceOf(SequentialRunException.class)
                .hasMessageMatching("(?s).*its op \\d+ :add \\d did not complete: the state machine's "
                        + Pattern.quote(ThrowsOnApply.class.getName())
                        + "\\.apply threw java\\.lang\\.IllegalStateException: not implemented yet: a bug a replica would"
                        + " fail-stop on")
                .hasRootCauseMessage("not implemented yet");
    }

    /** A workload that does what {@code inner} does, for overriding one method. */
    private static class Delegating implements Workload {
        private final Workload inner;

        Delegating(Workload inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Class<? extends StateMachine> stateMachine() {
            return inner.stateMachine();
        }

        @Override
        public List<Invocation> setUp() {
            return inner.setUp();
        }

        @Override
        public Invocation next(Random random) {
            return inner.next(random);
        }

        @Override
        public ByteString request(Invocation op) {
            return inner.request(op);
        }

        @Override
        public Completion completion(Invocation op, ByteString reply) throws IOException {
            return inner.completion(op, reply);
        }

        @Override
        public Model model() {
            return inner.model();
        }
    }
}

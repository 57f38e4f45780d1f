package io.ratissm.jepsen.nodes;

import io.ratissm.StateMachine;
import io.ratissm.statemachines.Bank;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.KvStore;
import java.time.Duration;
import java.util.function.Supplier;

/** The state machines a harness node can run, by the name used on the node's command line. */
public enum StateMachineKind {
    KV(KvStore::new),
    COUNTER(Counter::new),
    SET(IntSet::new),
    BANK(Bank::new);

    private final Supplier<StateMachine> factory;

    StateMachineKind(Supplier<StateMachine> factory) {
        this.factory = factory;
    }

    /** Makes a fresh, empty instance for one replica. */
    public Supplier<StateMachine> factory() {
        return factory;
    }

    /** Makes fresh instances whose commands take {@code executeDelay} longer ({@link SlowStateMachine}). */
    public Supplier<StateMachine> factory(Duration executeDelay) {
        return () -> SlowStateMachine.wrap(factory.get(), executeDelay);
    }
}

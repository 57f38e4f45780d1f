package io.ratissm.jepsen.nodes;

import io.ratissm.StateMachine;
import io.ratissm.statemachines.Bank;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.KvStore;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The bundled state machines the bundled workloads run. A replica's configuration names each by its short name,
 * which {@code ratis-sm server} knows ({@link #configName()}).
 */
public enum StateMachineKind {
    KV(KvStore.class, KvStore::new),
    COUNTER(Counter.class, Counter::new),
    SET(IntSet.class, IntSet::new),
    BANK(Bank.class, Bank::new);

    private final Class<? extends StateMachine> type;
    private final Supplier<StateMachine> factory;

    StateMachineKind(Class<? extends StateMachine> type, Supplier<StateMachine> factory) {
        this.type = type;
        this.factory = factory;
    }

    /** Makes a fresh, empty instance for one replica. */
    public Supplier<StateMachine> factory() {
        return factory;
    }

    /** The class the short name stands for. */
    public Class<? extends StateMachine> type() {
        return type;
    }

    /** The short name a configuration file's {@code state-machine} key takes: {@code kv}, {@code counter}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

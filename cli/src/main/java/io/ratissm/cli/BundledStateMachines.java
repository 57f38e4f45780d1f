package io.ratissm.cli;

import io.ratissm.StateMachine;
import io.ratissm.statemachines.Bank;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.StampedJournal;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The short names a replica's {@code state-machine} key accepts for the state machines of the {@code statemachines}
 * module ({@code kv}, {@code counter}, {@code set}, {@code bank}, {@code journal}), lower case; any other value is a
 * class name. The Jepsen harness's {@code --state-machine} takes the same names.
 */
public final class BundledStateMachines {
    /** Each short name's factory. */
    public static final Map<String, Supplier<? extends StateMachine>> BY_NAME = Map.of(
            "kv", KvStore::new,
            "counter", Counter::new,
            "set", IntSet::new,
            "bank", Bank::new,
            "journal", StampedJournal::new);

    private BundledStateMachines() {}
}

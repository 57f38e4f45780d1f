package io.ratissm.jepsen.workload;

import io.ratissm.jepsen.runner.TestOptions;
import java.time.Duration;
import java.util.List;

/** The workloads by command-line name. */
public final class Workloads {
    /** Every name {@link #create} accepts. */
    public static final List<String> NAMES = List.of("register", "counter", "set", "bank", "state-machine");

    private Workloads() {}

    /** A fresh workload for one run of {@code options}. */
    public static Workload create(String name, TestOptions options) {
        return switch (name) {
            // A key lives for about 10 s at the usual rate, long enough to straddle a fault window, short
            // enough to keep each key's check quick.
            case "register" -> new RegisterWorkload(Math.max(2, options.concurrency() / 2), 300, Duration.ofMinutes(5));
            case "counter" -> new CounterWorkload();
            case "set" -> new SetWorkload();
            case "bank" -> new BankWorkload();
            case "state-machine" ->
                StateMachineWorkload.load(
                        options.stateMachine(), options.generator(), options.classpath(), Duration.ofMinutes(5));
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; choose from " + NAMES);
        };
    }
}

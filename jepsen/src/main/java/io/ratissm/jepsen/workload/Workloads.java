package io.ratissm.jepsen.workload;

import io.ratissm.jepsen.nodes.UserClasses;
import io.ratissm.jepsen.runner.TestOptions;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.List;

/** The workloads by command-line name: a bundled one's, or the class name of a user's {@link Workload}. */
public final class Workloads {
    /** The bundled workloads' names. */
    public static final List<String> NAMES = List.of("register", "counter", "set", "bank", "state-machine");

    private Workloads() {}

    /**
     * A fresh workload for one run of {@code options}: a bundled one by name, or else a new instance of the class
     * {@code name}, loaded from the harness's classpath and then {@code options.classpath()}.
     *
     * @throws IllegalArgumentException if {@code state-machine} lacks {@code --state-machine} or {@code --generator}
     * @throws UserClasses.UnusableClassException if the class (or the state-machine workload's state machine or
     *                                            generator) is missing, does not load, is not of the right kind, has
     *                                            no public constructor without arguments, or its constructor throws
     */
    public static Workload create(String name, TestOptions options) {
        return switch (name) {
            // A key lives for about 10 s at the usual rate, long enough to straddle a fault window, short
            // enough to keep each key's check quick.
            // Sharded, at least one live key per shard, so that every shard takes operations all the time.
            case "register" ->
                new RegisterWorkload(
                        Math.max(Math.max(2, options.concurrency() / 2), options.shards()),
                        300,
                        Duration.ofMinutes(5),
                        options.shards());
            case "counter" -> new CounterWorkload();
            case "set" -> new SetWorkload();
            case "bank" -> new BankWorkload();
            case "state-machine" ->
                StateMachineWorkload.load(
                        options.stateMachine(), options.generator(), options.classpath(), Duration.ofMinutes(5));
            default -> userWorkload(name, options);
        };
    }

    private static Workload userWorkload(String name, TestOptions options) {
        Constructor<? extends Workload> constructor;
        try {
            constructor = UserClasses.constructor(
                    "--workload", name, Workload.class, UserClasses.loader(options.classpath()), options.classpath());
        } catch (UserClasses.UnusableClassException e) {
            if (name.contains(".")) {
                throw e;
            }
            throw new UserClasses.UnusableClassException(
                    Workload.class,
                    "unknown workload '" + name + "'; choose from " + NAMES + ", or give the class name of your "
                            + Workload.class.getName() + " (its jar: --classpath)",
                    null);
        }
        return UserClasses.instance("--workload", constructor, Workload.class);
    }
}

package io.ratissm.jepsen.nodes;

import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import io.ratissm.cli.BundledStateMachines;
import java.io.File;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The state machine the replicas of a test run, as their configuration file names it ({@code state-machine}), with
 * the jars and directories it needs besides the harness's own classpath. A user's class is checked here, in the
 * harness, before any replica starts, so that a wrong name fails the run at once with what to do instead of every
 * replica exiting with the same complaint.
 *
 * @param name        the {@code state-machine} value: a bundled short name ({@code kv}) or a class name
 * @param className   the class {@code name} stands for
 * @param withEffects whether it is an {@link EffectStateMachine} (PASSIVE mode needs one)
 * @param classpath   where its classes come from besides the harness's classpath; empty for the bundled ones
 */
public record NodeStateMachine(String name, String className, boolean withEffects, List<Path> classpath) {

    public NodeStateMachine {
        classpath = List.copyOf(classpath);
    }

    /**
     * The state machine {@code type}, named in the replicas' configuration by its class name, as a user names theirs;
     * {@code classpath} is where its classes come from besides the harness's classpath.
     *
     * @throws UserClasses.UnusableClassException if it is abstract, has no public constructor without arguments, or
     *                                            its constructor throws
     */
    public static NodeStateMachine of(Class<? extends StateMachine> type, List<Path> classpath) {
        String flag = "the state machine " + type.getName();
        UserClasses.instance(flag, UserClasses.constructor(flag, type, StateMachine.class), StateMachine.class);
        return new NodeStateMachine(
                type.getName(), type.getName(), EffectStateMachine.class.isAssignableFrom(type), classpath);
    }

    /**
     * The state machine {@code name} (a bundled short name of {@code ratis-sm server}, e.g. {@code kv}, or a class name
     * on the harness's classpath or in {@code classpath}), checked as {@code ratis-sm server} will check it, and made
     * once, so that a constructor that throws fails here rather than on every replica.
     *
     * @throws UserClasses.UnusableClassException if the class cannot be found or loaded, is not a concrete {@link
     *                                            StateMachine}, has no public constructor without arguments, or its
     *                                            constructor throws
     */
    public static NodeStateMachine named(String name, List<Path> classpath) {
        Supplier<? extends StateMachine> bundled = BundledStateMachines.BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (bundled != null) {
            Class<? extends StateMachine> type = bundled.get().getClass();
            return new NodeStateMachine(
                    name.toLowerCase(Locale.ROOT),
                    type.getName(),
                    EffectStateMachine.class.isAssignableFrom(type),
                    classpath);
        }
        Constructor<? extends StateMachine> constructor = UserClasses.constructor(
                "--state-machine", name, StateMachine.class, UserClasses.loader(classpath), classpath);
        UserClasses.instance("--state-machine", constructor, StateMachine.class);
        return new NodeStateMachine(
                name, name, EffectStateMachine.class.isAssignableFrom(constructor.getDeclaringClass()), classpath);
    }

    /**
     * Fresh instances of the state machine made in the harness's JVM, loaded as the replicas load it (the harness's
     * classpath, then {@link #classpath}): for the sequential run before a test and for a state machine that is its
     * own model.
     */
    public Supplier<StateMachine> instances() {
        String flag = "the state machine " + className;
        Constructor<? extends StateMachine> constructor =
                UserClasses.constructor(flag, className, StateMachine.class, UserClasses.loader(classpath), classpath);
        return () -> UserClasses.instance(flag, constructor, StateMachine.class);
    }

    /** The same state machine with {@code classpath} (e.g. jars its classes need) on the replicas' classpath. */
    public NodeStateMachine withClasspath(List<Path> classpath) {
        return new NodeStateMachine(name, className, withEffects, classpath);
    }

    /**
     * The {@code state-machine} value of the replicas' configuration: the state machine itself, or with an execute
     * delay the harness's {@link SlowStateMachine} around it (its delegate and delay then come from
     * {@link #jvmProperties}).
     */
    String configValue(Duration executeDelay) {
        if (executeDelay.isZero()) {
            return name;
        }
        return (withEffects ? SlowEffectStateMachine.class : SlowStateMachine.class).getName();
    }

    /** The system properties the replica JVMs need for {@link #configValue}: the slow variant's delegate and delay. */
    List<String> jvmProperties(Duration executeDelay) {
        if (executeDelay.isZero()) {
            return List.of();
        }
        return List.of(
                "-D" + SlowStateMachine.DELEGATE_PROPERTY + "=" + className,
                "-D" + SlowStateMachine.DELAY_PROPERTY + "=" + executeDelay.toMillis());
    }

    /** The replica JVMs' classpath: the harness's own, then the state machine's. */
    String nodeClasspath(String harnessClasspath) {
        List<String> parts = new ArrayList<>();
        parts.add(harnessClasspath);
        classpath.forEach(p -> parts.add(p.toString()));
        return String.join(File.pathSeparator, parts);
    }
}

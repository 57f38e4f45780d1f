package io.ratissm.jepsen.nodes;

import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /** A bundled state machine, named by its short name as an operator would. */
    public static NodeStateMachine bundled(StateMachineKind kind) {
        return new NodeStateMachine(
                kind.configName(),
                kind.type().getName(),
                EffectStateMachine.class.isAssignableFrom(kind.type()),
                List.of());
    }

    /**
     * The state machine {@code name} (a bundled short name, or a class name on the harness's classpath or in
     * {@code classpath}), checked as {@code ratis-sm server} will check it.
     *
     * @throws IllegalArgumentException if the class cannot be found or loaded, is not a concrete
     *                                  {@link StateMachine}, or has no public constructor without arguments
     */
    public static NodeStateMachine named(String name, List<Path> classpath) {
        for (StateMachineKind kind : StateMachineKind.values()) {
            if (kind.configName().equals(name.toLowerCase(Locale.ROOT))) {
                return bundled(kind).withClasspath(classpath);
            }
        }
        Class<?> type = UserClasses.constructor(
                        "--state-machine", name, StateMachine.class, UserClasses.loader(classpath), classpath)
                .getDeclaringClass();
        return new NodeStateMachine(name, name, EffectStateMachine.class.isAssignableFrom(type), classpath);
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

package io.ratissm.bench.kit.internal;

import io.ratissm.StateMachine;
import io.ratissm.bench.kit.CommandGenerator;
import io.ratissm.bench.kit.StateMachineBenchmark;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * {@link StateMachineBenchmark} with the state machine and the generator named by class, as {@code ratis-sm bench}
 * names them: what a user's subclass would be, made from the command line. Without a generator class the commands
 * are {@code commandBytes} random bytes. Run by {@link QuickTrial}, not by JMH.
 */
final class NamedStateMachineBenchmark extends StateMachineBenchmark {
    private final Constructor<? extends StateMachine> stateMachineClass;
    private final Constructor<? extends CommandGenerator> generatorClass;
    private final long seed;

    /** @param generatorClass null for random bytes of {@code commandBytes} */
    NamedStateMachineBenchmark(
            Constructor<? extends StateMachine> stateMachineClass,
            Constructor<? extends CommandGenerator> generatorClass,
            long seed) {
        this.stateMachineClass = stateMachineClass;
        this.generatorClass = generatorClass;
        this.seed = seed;
    }

    @Override
    protected long seed() {
        return seed;
    }

    @Override
    protected StateMachine newStateMachine() {
        return construct(stateMachineClass);
    }

    @Override
    protected CommandGenerator commands() {
        return generatorClass == null ? CommandGenerator.randomBytes(commandBytes) : construct(generatorClass);
    }

    @Override
    protected String commandsName() {
        return generatorClass == null
                ? "--command-bytes " + commandBytes + " (random bytes)"
                : generatorClass.getDeclaringClass().getName();
    }

    /** A new instance; what its constructor threw is thrown as it is, if unchecked. */
    private static <T> T construct(Constructor<T> constructor) {
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}

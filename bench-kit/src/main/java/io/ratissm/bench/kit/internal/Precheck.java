package io.ratissm.bench.kit.internal;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.bench.kit.CommandGenerator;
import io.ratissm.bench.kit.CommandGeneratorException;
import io.ratissm.bench.kit.EveryCommandRejectedException;
import io.ratissm.bench.kit.StateMachineException;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The user's code tried in this JVM before a group starts: a fresh state machine applies the generator's first
 * {@value #COMMANDS} commands in order, as a leader would (PASSIVE: {@code execute} when it is an
 * {@link EffectStateMachine}). Takes milliseconds, and turns the mistakes that would otherwise show as a group that
 * stops answering, or as a whole trial of refusals, into one message at once.
 */
public final class Precheck {
    public static final int COMMANDS = 200;

    private Precheck() {}

    /**
     * Tries {@code instance} on the generator's first commands.
     *
     * @param instance  a fresh instance of the state machine the group will run
     * @param name      the state machine, for the messages
     * @param generator a fresh generator (not the one the load will use: it may keep state)
     * @param source    the generator, for the messages
     * @throws StateMachineException         if {@code validate}, {@code apply} or {@code execute} threw anything but
     *                                       {@link CommandRejected}
     * @throws CommandGeneratorException     if the generator threw or returned null
     * @throws EveryCommandRejectedException if every command was rejected
     */
    public static void run(
            StateMachine instance,
            String name,
            CommandGenerator generator,
            String source,
            Replication mode,
            long seed) {
        Random random = new Random(seed);
        CommandRejected first = null;
        int rejected = 0;
        for (int n = 1; n <= COMMANDS; n++) {
            ByteString command = next(generator, random, source, n);
            try {
                instance.validate(command);
                if (mode == Replication.PASSIVE && instance instanceof EffectStateMachine effects) {
                    effects.execute(command);
                } else {
                    instance.apply(command);
                }
            } catch (CommandRejected e) {
                rejected++;
                first = first == null ? e : first;
            } catch (RuntimeException | LinkageError e) {
                throw new StateMachineException(
                        name + " threw " + e + " on command " + n + " of " + source + " (applied in order to a fresh"
                                + " instance, before the group started); in a group it would fail-stop every replica",
                        e);
            }
        }
        if (rejected == COMMANDS) {
            throw everyCommandRejected(name, source, COMMANDS + " commands", first);
        }
    }

    /**
     * A new instance from the user's factory, named {@code source} in messages.
     *
     * @throws StateMachineException if it threw or gave null
     */
    public static StateMachine make(Supplier<? extends StateMachine> factory, String source) {
        return made(factory, source, "the state machine", StateMachineException::new);
    }

    /**
     * A new generator from the user's factory, named {@code source} in messages.
     *
     * @throws CommandGeneratorException if it threw or gave null
     */
    public static CommandGenerator generator(Supplier<? extends CommandGenerator> factory, String source) {
        return made(factory, source, "the generator", CommandGeneratorException::new);
    }

    private static <T> T made(
            Supplier<? extends T> factory,
            String source,
            String what,
            BiFunction<String, Throwable, RuntimeException> failure) {
        T made;
        try {
            made = factory.get();
        } catch (RuntimeException | LinkageError e) {
            throw failure.apply(source + " threw " + e + " making " + what, e);
        }
        if (made == null) {
            throw failure.apply(source + " gave null instead of " + what, null);
        }
        return made;
    }

    /** The generator's next command, numbered {@code n} in messages. */
    public static ByteString next(CommandGenerator generator, Random random, String source, long n) {
        ByteString command;
        try {
            command = generator.next(random);
        } catch (RuntimeException | LinkageError e) {
            throw new CommandGeneratorException(source + " threw " + e + " making command " + n, e);
        }
        if (command == null) {
            throw new CommandGeneratorException(source + " returned null for command " + n, null);
        }
        return command;
    }

    /** The failure of a load in which {@code name} refused all {@code commands}. */
    public static EveryCommandRejectedException everyCommandRejected(
            String name, String source, String commands, CommandRejected first) {
        return new EveryCommandRejectedException(name + " rejected every one of the " + commands + " of " + source
                + (first == null ? "" : "; the first because: " + first.getMessage())
                + ". A benchmark of refusals measures nothing of the state machine: make the generator's commands"
                + " ones it accepts");
    }
}

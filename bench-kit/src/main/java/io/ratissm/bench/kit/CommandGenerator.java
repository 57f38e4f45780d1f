package io.ratissm.bench.kit;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Random;
import java.util.function.Function;

/**
 * The commands a benchmark sends to your state machine, one per request, as the bytes {@code ReplicaClient.submit}
 * takes (a Protobuf command's {@code toByteString()}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #next} draws only from the {@code Random} it is given, which the benchmark seeds the same way for
 *       your state machine and for the no-op one, so both trials of a run replicate the same commands;</li>
 *   <li>it is called by one thread at a time, once per request, inside the measured loop: keep it cheap (its CPU
 *       is in both state machines' CPU per command alike, so it does not enter their difference);</li>
 *   <li>the commands should be ones your state machine accepts: a command it refuses with {@code CommandRejected}
 *       is answered and counted ({@link ClosedLoop#rejected()}), but a load of nothing but refusals measures the
 *       refusal, and the benchmark fails ({@link EveryCommandRejectedException});</li>
 *   <li>named on the command line ({@code ratis-sm bench --commands CLASS}), it is a public class with a public
 *       constructor without arguments.</li>
 * </ul>
 */
@FunctionalInterface
public interface CommandGenerator {

    /** The next command's bytes; never null. */
    ByteString next(Random random);

    /** Commands of {@code size} random bytes, for a state machine that takes any bytes as a command. */
    static CommandGenerator randomBytes(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("a command cannot have " + size + " bytes");
        }
        return random -> {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            return UnsafeByteOperations.unsafeWrap(bytes);
        };
    }

    /** Protobuf commands, e.g. {@code messages(r -> JobQueue.enqueue("job-" + r.nextInt(1000)))}. */
    static CommandGenerator messages(Function<Random, ? extends Message> commands) {
        return random -> commands.apply(random).toByteString();
    }
}

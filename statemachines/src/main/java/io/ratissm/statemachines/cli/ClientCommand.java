package io.ratissm.statemachines.cli;

import com.google.protobuf.ByteString;
import io.ratissm.MalformedCommand;
import io.ratissm.ReplicaClient;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.CounterValue;
import io.ratissm.statemachines.proto.KvReply;
import java.io.PrintStream;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ratis-sm client}: one command or query to a group, its reply printed plainly on standard output, and an
 * exit code a script can test. Commands of the bundled {@code kv} and {@code counter} state machines by name;
 * any other state machine's through {@code raw}, as hexadecimal bytes.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Send one command or query to a group and print the reply.",
            "Writes are linearizable and applied exactly once; get and value are linearizable reads."},
        exitCodeListHeading = GroupOptions.EXIT_CODES_HEADING, exitCodeList = {
            "0:done", "1:the group refused (a rejected command, a failed cas, a key not found)",
            "2:wrong options or arguments",
            "3:the group did not answer in time (for a write: it may or may not have been applied)"})
public final class ClientCommand {
    @Mixin
    GroupOptions group;

    private final PrintStream out;
    private final PrintStream err;

    public ClientCommand() {
        this(System.out, System.err);
    }

    ClientCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "kv: set KEY to VALUE; prints the "
            + "previous value, if any.")
    int put(@Parameters(paramLabel = "KEY") String key, @Parameters(paramLabel = "VALUE") String value) {
        return with(c -> {
            KvReply r = c.submit(KvStore.put(key, utf8(value)), KvReply.parser());
            out.println(r.getFound() ? "OK (was " + r.getValue().toStringUtf8() + ")" : "OK");
            return 0;
        });
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "kv: print KEY's value; exit 1 if "
            + "it has none.")
    int get(@Parameters(paramLabel = "KEY") String key) {
        return with(c -> {
            KvReply r = c.query(KvStore.get(key), KvReply.parser());
            if (!r.getFound()) {
                err.println("ratis-sm client: key '" + key + "' not found");
                return GroupOptions.REFUSED;
            }
            out.println(r.getValue().toStringUtf8());
            return 0;
        });
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "kv: remove KEY.")
    int delete(@Parameters(paramLabel = "KEY") String key) {
        return with(c -> {
            KvReply r = c.submit(KvStore.delete(key), KvReply.parser());
            out.println(r.getFound() ? "OK (was " + r.getValue().toStringUtf8() + ")" : "OK (there was none)");
            return 0;
        });
    }

    @Command(name = "cas", mixinStandardHelpOptions = true, description = "kv: set KEY to NEW if its value is "
            + "EXPECTED (or if it has none, with --absent); exit 1 and print the current value if not.")
    int cas(@Option(names = "--absent", description = "Expect KEY to have no value (then give only KEY NEW).")
            boolean absent,
            @Parameters(paramLabel = "KEY") String key,
            @Parameters(paramLabel = "EXPECTED NEW", arity = "1..2") String[] values) {
        if (values.length != (absent ? 1 : 2)) {
            err.println("ratis-sm client: cas takes KEY EXPECTED NEW, or --absent KEY NEW");
            return GroupOptions.USAGE;
        }
        ByteString expected = absent ? null : utf8(values[0]);
        ByteString next = utf8(values[values.length - 1]);
        return with(c -> {
            KvReply r = c.submit(KvStore.cas(key, expected, next), KvReply.parser());
            if (!r.getFound()) {
                err.println("ratis-sm client: cas failed: '" + key + "' is "
                        + (r.getValue().isEmpty() ? "absent" : "'" + r.getValue().toStringUtf8() + "'"));
                return GroupOptions.REFUSED;
            }
            out.println("OK");
            return 0;
        });
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "counter: add N (may be negative); "
            + "prints the new value.")
    int add(@Parameters(paramLabel = "N") long n) {
        return with(c -> {
            out.println(c.submit(Counter.add(n), CounterValue.parser()).getValue());
            return 0;
        });
    }

    @Command(name = "value", mixinStandardHelpOptions = true, description = "counter: print the value.")
    int value() {
        return with(c -> {
            out.println(c.query(Counter.get(), CounterValue.parser()).getValue());
            return 0;
        });
    }

    @Command(name = "raw", mixinStandardHelpOptions = true, description = "Any state machine: send HEX (the "
            + "command's bytes) and print the reply's bytes in hexadecimal.")
    int raw(@Option(names = "--query", description = "Send HEX as a linearizable query instead of a command.")
            boolean query,
            @Parameters(paramLabel = "HEX") String hex) {
        ByteString bytes;
        try {
            bytes = ByteString.copyFrom(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            err.println("ratis-sm client: '" + hex + "' is not hexadecimal bytes (e.g. 0a03666f6f)");
            return GroupOptions.USAGE;
        }
        return with(c -> {
            ByteString reply = query ? c.query(bytes) : c.submit(bytes);
            out.println(HexFormat.of().formatHex(reply.toByteArray()));
            return 0;
        });
    }

    private interface ClientAction {
        int run(ReplicaClient client) throws io.ratissm.CommandRejected;
    }

    private int with(ClientAction action) {
        return GroupOptions.run("client", err, () -> {
            try (ReplicaClient c = ReplicaClient.builder().peers(group.peers()).group(group.group)
                    .tls(group.tls().orElse(null))
                    .timeout(group.timeout).build()) {
                return action.run(c);
            } catch (MalformedCommand e) {
                // The likely cause from a shell: kv commands sent to a counter group, or the other way round.
                throw new MalformedCommand(e.getMessage() + " (put/get/delete/cas are for a kv group, add/value for "
                        + "a counter group, raw for any)");
            }
        });
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }
}

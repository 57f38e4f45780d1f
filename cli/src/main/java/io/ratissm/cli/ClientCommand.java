package io.ratissm.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.GroupDescription;
import io.ratissm.ReplicaClient;
import io.ratissm.StateMachineSchema;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.CounterCommand;
import io.ratissm.statemachines.proto.CounterValue;
import io.ratissm.statemachines.proto.KvCommand;
import io.ratissm.statemachines.proto.KvReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code ratis-sm client}: one command or query to a group, its reply printed plainly on standard output, and an
 * exit code a script can test. Any state machine that declares its message types ({@code StateMachine.schema()})
 * through {@code call} and {@code query}, in Protobuf text format read and printed with the types the group
 * advertises; the bundled {@code kv} and {@code counter} state machines also by verbs, each of which first checks that
 * the group runs its state machine; any state machine through {@code raw}, as hexadecimal bytes. Values are bytes:
 * given as UTF-8 text, as hexadecimal, or from a file or standard input; printed as text only when they are UTF-8.
 */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        description = {
            "Send one command or query to a group and print the reply.",
            "call and query take any state machine's commands and queries in Protobuf text",
            "format, parsed with the types the group advertises (describe names them), e.g.:",
            "  client call 'put { key: \"k\" value: \"v\" }'    client query 'get { key: \"k\" }'",
            "put/get/delete/cas (kv) and add/value (counter) refuse a group of another state",
            "machine. raw sends any state machine's command as hexadecimal bytes.",
            "Writes are linearizable and applied exactly once; get, value and query are linearizable reads.",
            "Only exit code 3 leaves a write's outcome unknown; every other failure is definite: nothing was applied."
        },
        exitCodeListHeading = GroupOptions.EXIT_CODES_HEADING,
        exitCodeList = {
            "0:done",
            "1:the group refused (a rejected command, a failed cas, a key not found)",
            "2:wrong options or arguments (also: a verb of another state machine than the group runs, a call or query"
                    + " text that does not parse as the group's type; nothing was sent)",
            "3:the group did not answer in time, or its replicas are fail-stopped and the write may be in their log (for"
                    + " a write: it may or may not have been applied)",
            "4:the command is larger than --max-command-bytes (not sent) or the group's limit (refused)",
            GroupOptions.EXIT_NO_SUCH_GROUP,
            GroupOptions.EXIT_MISADDRESSED,
            GroupOptions.EXIT_CONNECTION_REFUSED,
            GroupOptions.EXIT_FAIL_STOPPED
        })
public final class ClientCommand {
    /**
     * The most a client sends in one request: Ratis's gRPC message limit (64 MiB) less room for the request's
     * envelope. A larger command could never be sent, and the client would retry it until its timeout.
     */
    static final int LARGEST_SENDABLE = (64 << 20) - (64 << 10);

    @Mixin
    GroupOptions group;

    @Option(
            names = "--max-command-bytes",
            scope = ScopeType.INHERIT,
            defaultValue = "1048576",
            paramLabel = "BYTES",
            description = "Refuse a command larger than this without sending it (default ${DEFAULT-VALUE}, a group's "
                    + "default max-command-bytes; give the group's own if it differs). At most " + LARGEST_SENDABLE
                    + ".")
    int maxCommandBytes;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    public ClientCommand() {
        this(System.in, System.out, System.err);
    }

    ClientCommand(PrintStream out, PrintStream err) {
        this(InputStream.nullInputStream(), out, err);
    }

    ClientCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = {
                "kv: set KEY to VALUE; prints the " + "previous value, if any.",
                "VALUE is taken as UTF-8 text, as hexadecimal bytes with --hex, or whole "
                        + "from a file or standard input with --value-file (its bytes as they are)."
            })
    int put(
            @Option(names = "--hex", description = "VALUE is hexadecimal bytes, e.g. ff00 for the two bytes 0xff 0x00.")
                    boolean hex,
            @Option(
                            names = "--value-file",
                            paramLabel = "PATH",
                            description =
                                    "Take the value's bytes from PATH (" + "'-': standard input) instead of VALUE.")
                    String valueFile,
            @Parameters(paramLabel = "KEY") String key,
            @Parameters(paramLabel = "VALUE", arity = "0..1") String value) {
        ByteString bytes;
        try {
            bytes = value(value, hex, valueFile);
        } catch (IllegalArgumentException e) {
            err.println("ratis-sm client: " + e.getMessage());
            return GroupOptions.USAGE;
        }
        return kv("put", c -> {
            KvReply r = c.submit(sized(KvStore.put(key, bytes)), KvReply.parser());
            out.println(r.getFound() ? "OK (was " + shown(r.getValue()) + ")" : "OK");
            return 0;
        });
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = {
                "kv: print KEY's value; exit 1 if " + "it has none.",
                "As UTF-8 text with a newline (exit 2 if the value is not UTF-8), or with --raw its bytes"
                        + " as they are, with --hex in hexadecimal."
            })
    int get(
            @Option(names = "--raw", description = "Print the value's bytes as they are, with no newline.") boolean raw,
            @Option(names = "--hex", description = "Print the value in hexadecimal.") boolean hex,
            @Parameters(paramLabel = "KEY") String key) {
        if (raw && hex) {
            err.println("ratis-sm client: get takes --raw or --hex, not both");
            return GroupOptions.USAGE;
        }
        return kv("get", c -> {
            KvReply r = c.query(KvStore.get(key), KvReply.parser());
            if (!r.getFound()) {
                err.println("ratis-sm client: key '" + key + "' not found");
                return GroupOptions.REFUSED;
            }
            ByteString v = r.getValue();
            if (raw) {
                v.writeTo(out);
                out.flush();
            } else if (hex) {
                out.println(HexFormat.of().formatHex(v.toByteArray()));
            } else if (v.isValidUtf8()) {
                out.println(v.toStringUtf8());
            } else {
                err.println("ratis-sm client: the value of '" + key + "' is " + v.size() + " bytes that are not UTF-8"
                        + " text; print it with --raw or --hex");
                return GroupOptions.USAGE;
            }
            return 0;
        });
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "kv: remove KEY.")
    int delete(@Parameters(paramLabel = "KEY") String key) {
        return kv("delete", c -> {
            KvReply r = c.submit(KvStore.delete(key), KvReply.parser());
            out.println(r.getFound() ? "OK (was " + shown(r.getValue()) + ")" : "OK (there was none)");
            return 0;
        });
    }

    @Command(
            name = "cas",
            mixinStandardHelpOptions = true,
            description = "kv: set KEY to NEW if its value is "
                    + "EXPECTED (or if it has none, with --absent); exit 1 and print the current value if not. EXPECTED and "
                    + "NEW are UTF-8 text, or hexadecimal bytes with --hex.")
    int cas(
            @Option(names = "--absent", description = "Expect KEY to have no value (then give only KEY NEW).")
                    boolean absent,
            @Option(names = "--hex", description = "EXPECTED and NEW are hexadecimal bytes.") boolean hex,
            @Parameters(paramLabel = "KEY") String key,
            @Parameters(paramLabel = "EXPECTED NEW", arity = "1..2") String[] values) {
        if (values.length != (absent ? 1 : 2)) {
            err.println("ratis-sm client: cas takes KEY EXPECTED NEW, or --absent KEY NEW");
            return GroupOptions.USAGE;
        }
        ByteString expected;
        ByteString next;
        try {
            expected = absent ? null : (hex ? hex(values[0]) : utf8(values[0]));
            next = hex ? hex(values[values.length - 1]) : utf8(values[values.length - 1]);
        } catch (IllegalArgumentException e) {
            err.println("ratis-sm client: " + e.getMessage());
            return GroupOptions.USAGE;
        }
        return kv("cas", c -> {
            KvReply r = c.submit(sized(KvStore.cas(key, expected, next)), KvReply.parser());
            if (!r.getFound()) {
                err.println("ratis-sm client: cas failed: '" + key + "' is "
                        + (r.getValue().isEmpty() ? "absent" : shown(r.getValue())));
                return GroupOptions.REFUSED;
            }
            out.println("OK");
            return 0;
        });
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "counter: add N (may be negative); " + "prints the new value.")
    int add(@Parameters(paramLabel = "N") long n) {
        return counter("add", c -> {
            out.println(c.submit(Counter.add(n), CounterValue.parser()).getValue());
            return 0;
        });
    }

    @Command(name = "value", mixinStandardHelpOptions = true, description = "counter: print the value.")
    int value() {
        return counter("value", c -> {
            out.println(c.query(Counter.get(), CounterValue.parser()).getValue());
            return 0;
        });
    }

    @Command(
            name = "call",
            mixinStandardHelpOptions = true,
            description = {
                "Any state machine that declares its message types: send COMMAND, written in Protobuf text format as"
                        + " the group's command type, and print the reply in text format.",
                "E.g. for kv: 'put { key: \"k\" value: \"v\" }' or 'cas { key: \"k\" expected_value: \"v\""
                        + " new_value: \"w\" }'. Exit 2 if it does not parse (nothing is sent)."
            })
    int call(@Parameters(paramLabel = "COMMAND") String text) {
        return declared("call", (c, schema) -> {
            Message command = TextMessages.parse(text, schema.commandType());
            print(TextMessages.show(c.submit(sized(command.toByteString())), schema.commandReplyType(), "command"));
            return 0;
        });
    }

    @Command(
            name = "query",
            mixinStandardHelpOptions = true,
            description = {
                "Any state machine that declares its message types: a linearizable read. QUERY is written in Protobuf"
                        + " text format as the group's query type; the answer is printed in text format.",
                "E.g. for kv: 'get { key: \"k\" }' or 'size: true'. Exit 2 if it does not parse (nothing is sent)."
            })
    int query(@Parameters(paramLabel = "QUERY") String text) {
        return declared("query", (c, schema) -> {
            Message query = TextMessages.parse(text, schema.queryType());
            print(TextMessages.show(c.query(query.toByteString()), schema.queryReplyType(), "query"));
            return 0;
        });
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Print the group's state machine class and the message types it declares (call and query"
                    + " read and print these), as any one replica advertises them.")
    int describe() {
        return with(c -> {
            GroupDescription d = c.describe();
            out.println("group " + d.group() + " runs " + d.stateMachineClass());
            d.schema()
                    .ifPresentOrElse(
                            s -> {
                                out.println("commands " + s.commandType().getFullName() + ", replies "
                                        + replyType(s.commandReplyType()));
                                out.println("queries  " + s.queryType().getFullName() + ", replies "
                                        + replyType(s.queryReplyType()));
                            },
                            () -> out.println("no message types declared: send its commands with raw"));
            return 0;
        });
    }

    private static String replyType(Optional<Descriptor> type) {
        return type.map(Descriptor::getFullName).orElse("of no declared type");
    }

    private void print(TextMessages.Shown reply) {
        reply.note().ifPresent(note -> err.println("ratis-sm client: " + note));
        out.print(reply.text());
        out.flush();
    }

    @Command(
            name = "raw",
            mixinStandardHelpOptions = true,
            description = "Any state machine: send HEX (the "
                    + "command's bytes) and print the reply's bytes in hexadecimal.")
    int raw(
            @Option(names = "--query", description = "Send HEX as a linearizable query instead of a command.")
                    boolean query,
            @Parameters(paramLabel = "HEX") String hex) {
        ByteString bytes;
        try {
            bytes = hex(hex);
        } catch (IllegalArgumentException e) {
            err.println("ratis-sm client: " + e.getMessage());
            return GroupOptions.USAGE;
        }
        return with(c -> {
            ByteString reply = query ? c.query(bytes) : c.submit(sized(bytes));
            out.println(HexFormat.of().formatHex(reply.toByteArray()));
            return 0;
        });
    }

    private interface ClientAction {
        int run(ReplicaClient client) throws CommandRejected, IOException;
    }

    private interface DeclaredAction {
        int run(ReplicaClient client, StateMachineSchema schema) throws CommandRejected, IOException;
    }

    /** The bundled state machines this command has verbs for, known by their command type. */
    private enum Bundled {
        KV("kv", KvStore.class, KvCommand.getDescriptor(), "put, get, delete, cas"),
        COUNTER("counter", Counter.class, CounterCommand.getDescriptor(), "add, value");

        final String shortName;
        final Class<?> type;
        final Descriptor commandType;
        final String verbs;

        Bundled(String shortName, Class<?> type, Descriptor commandType, String verbs) {
            this.shortName = shortName;
            this.type = type;
            this.commandType = commandType;
            this.verbs = verbs;
        }

        static Optional<Bundled> of(GroupDescription group) {
            return java.util.Arrays.stream(values())
                    .filter(b -> b.speaks(group))
                    .findFirst();
        }

        /** By the command type's full name: the group's types are rebuilt from what it sent, not these classes. */
        boolean speaks(GroupDescription group) {
            return group.schema()
                    .map(s -> s.commandType().getFullName().equals(commandType.getFullName()))
                    .orElse(false);
        }
    }

    private int kv(String verb, ClientAction action) {
        return bundled(verb, Bundled.KV, action);
    }

    private int counter(String verb, ClientAction action) {
        return bundled(verb, Bundled.COUNTER, action);
    }

    /** {@code action} if the group runs {@code expected}'s state machine; else a usage error, nothing sent. */
    private int bundled(String verb, Bundled expected, ClientAction action) {
        return with(c -> {
            GroupDescription group = c.describe();
            if (!expected.speaks(group)) {
                throw new IllegalArgumentException(verb + " is a verb of the " + expected.shortName
                        + " state machine (" + expected.type.getName() + ", commands "
                        + expected.commandType.getFullName() + "), but group " + group.group() + " runs "
                        + group.stateMachineClass() + " ("
                        + group.schema()
                                .map(s -> "commands " + s.commandType().getFullName())
                                .orElse("which declares no message types")
                        + "); nothing was sent. " + whatServes(group));
            }
            return action.run(c);
        });
    }

    private static String whatServes(GroupDescription group) {
        if (group.schema().isEmpty()) {
            return "For this group use raw, which sends its bytes in hexadecimal";
        }
        return Bundled.of(group)
                .map(b -> "For this group use: " + b.verbs + "; call and query take any declared state machine's"
                        + " messages in text format, raw its bytes")
                .orElse("For this group use call and query, which take its messages in text format");
    }

    /** {@code action} with the group's message types; a usage error if it declares none, nothing sent. */
    private int declared(String verb, DeclaredAction action) {
        return with(c -> {
            GroupDescription group = c.describe();
            StateMachineSchema schema = group.schema()
                    .orElseThrow(() -> new IllegalArgumentException("group " + group.group() + " runs "
                            + group.stateMachineClass() + ", which declares no message types (its"
                            + " StateMachine.schema() is empty), so " + verb + " has no type to read the text as;"
                            + " nothing was sent. Send its bytes with raw, or declare its types in the state machine"
                            + " (a ProtoStateMachine does)"));
            return action.run(c, schema);
        });
    }

    private int with(ClientAction action) {
        if (maxCommandBytes < 1 || maxCommandBytes > LARGEST_SENDABLE) {
            err.println("ratis-sm client: --max-command-bytes must be between 1 and " + LARGEST_SENDABLE + ", was "
                    + maxCommandBytes);
            return GroupOptions.USAGE;
        }
        return group.run("client", err, () -> {
            try (ReplicaClient c = ReplicaClient.builder()
                    .peers(group.peers())
                    .group(group.group)
                    .tls(group.tls().orElse(null))
                    .timeout(group.timeout)
                    .build()) {
                return action.run(c);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the value: " + e.getMessage(), e);
            }
        });
    }

    /** The command, if it is within {@code --max-command-bytes}: a larger one is refused here, never sent. */
    private ByteString sized(ByteString command) throws CommandTooLarge {
        checkSize(command.size());
        return command;
    }

    private <M extends Message> M sized(M command) throws CommandTooLarge {
        checkSize(command.getSerializedSize());
        return command;
    }

    private void checkSize(int bytes) throws CommandTooLarge {
        if (bytes > maxCommandBytes) {
            throw new CommandTooLarge("the command has " + bytes + " bytes, more than --max-command-bytes "
                    + maxCommandBytes + "; it was not sent (a group's default limit is 1048576 bytes; if this group's"
                    + " max-command-bytes is larger, give it with --max-command-bytes)");
        }
    }

    /** A value's bytes from exactly one of: the argument as UTF-8, the argument as hexadecimal, a file or stdin. */
    private ByteString value(String argument, boolean hex, String file) {
        if ((argument == null) == (file == null)) {
            throw new IllegalArgumentException("put takes KEY VALUE, or KEY --value-file PATH");
        }
        if (file != null) {
            if (hex) {
                throw new IllegalArgumentException(
                        "--hex is for VALUE; --value-file takes the file's bytes as they " + "are");
            }
            try {
                return ByteString.readFrom(file.equals("-") ? in : Files.newInputStream(Path.of(file)));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the value from "
                        + (file.equals("-") ? "standard input" : file) + ": " + e.getMessage());
            }
        }
        return hex ? hex(argument) : utf8(argument);
    }

    private static ByteString hex(String hex) {
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + hex + "' is not hexadecimal bytes (e.g. 0a03666f6f)");
        }
    }

    /** A value in a message: as text if it is UTF-8, else in hexadecimal. */
    private static String shown(ByteString value) {
        return value.isValidUtf8()
                ? "'" + value.toStringUtf8() + "'"
                : "0x" + HexFormat.of().formatHex(value.toByteArray());
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }
}

package io.ratissm;

import io.ratissm.InvalidConfigException.Problem;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.config.ClassPath;
import io.ratissm.internal.config.Setting;
import io.ratissm.internal.config.Settings;
import io.ratissm.shard.Sharded;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One replica's configuration, read from a file of {@code key = value} lines ({@code #} starts a comment line;
 * values are taken literally, without escapes), fully validated before anything is written to disk.
 *
 * <pre>
 * id            = n1
 * peers         = n1=10.0.0.1:7001,n2=10.0.0.2:7001,n3=10.0.0.3:7001
 * storage       = /var/lib/ratis-sm/n1
 * state-machine = kv
 * </pre>
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>allowed</th><th>meaning</th></tr>
 * <tr><td>{@code id}</td><td>required</td><td>text</td><td>this replica's id; one of {@code peers}</td></tr>
 * <tr><td>{@code peers}</td><td>required</td><td>text</td><td>every replica as {@code id=host:port}, comma separated;
 *     this replica listens on its own entry's port. Only the first membership: after replicas are added or removed, the
 *     membership in the replica's log wins</td></tr>
 * <tr><td>{@code storage}</td><td>required</td><td>a path</td><td>the replica's data directory (log and snapshots), its
 *     own; a relative path is relative to the configuration file's directory. Created at start if absent</td></tr>
 * <tr><td>{@code state-machine}</td><td>required</td><td>text</td><td>a bundled state machine's short name ({@code
 *     ratis-sm server} knows {@code kv}, {@code counter}, {@code set}, {@code bank}, {@code journal}), or the class
 *     name of a {@code StateMachine} with a public no-argument constructor, on the classpath or in {@code
 *     classpath}</td></tr>
 * <tr><td>{@code classpath}</td><td>none</td><td>paths of jars or directories, comma separated</td><td>where to load
 *     the {@code state-machine} class from besides the JVM's classpath: its jar and the jars it needs, or directories
 *     of classes; a pattern in the last part takes the matching jars of a directory ({@code lib/*.jar}). Relative
 *     paths are relative to the configuration file's directory, as {@code storage}</td></tr>
 * <tr><td>{@code sharded}</td><td>{@code false}</td><td>{@code true} or {@code false}</td><td>{@code true} for the
 *     servers of a sharded deployment: every group they serve runs the {@code state-machine} behind a shard role
 *     ({@code io.ratissm.shard.Sharded}), and their own group is the placement group that holds the shard map (README,
 *     "Sharded groups")</td></tr>
 * <tr><td>{@code group}</td><td>{@code ratis-sm}</td><td>text</td><td>the group's name; clients and admins pass the
 *     same with {@code --group}</td></tr>
 * <tr><td>{@code replication}</td><td>{@code ACTIVE}</td><td>{@code ACTIVE} or {@code PASSIVE}</td><td>the replication
 *     mode; the same on every replica</td></tr>
 * <tr><td>{@code join}</td><td>{@code false}</td><td>{@code true} or {@code false}</td><td>{@code true} for a replica
 *     added to a running group: it waits until an admin adds it ({@code admin add-replica})</td></tr>
 * <tr><td>{@code snapshot.every}</td><td>{@code 10000}</td><td>a whole number, at least {@code 1}</td><td>log entries
 *     between automatic snapshots</td></tr>
 * <tr><td>{@code max-command-bytes}</td><td>{@code 1MiB}</td><td>a size, at least {@code 1}</td><td>the largest command
 *     accepted; sizes are bytes or a number with {@code KiB}, {@code MiB} or {@code GiB}</td></tr>
 * <tr><td>{@code election-timeout}</td><td>{@code 1s}</td><td>a duration, at least {@code 50ms}</td><td>minimum
 *     election timeout (the maximum is twice it); durations are a number with {@code ms}, {@code s}, {@code m} or
 *     {@code h}</td></tr>
 * <tr><td>{@code session.idle-timeout}</td><td>{@code 10m}</td><td>a duration, at least {@code 1m}</td><td>how long the
 *     group keeps an idle client session, in session time</td></tr>
 * <tr><td>{@code session.limit}</td><td>{@code 100000}</td><td>a whole number, at least {@code 1}</td><td>the most
 *     client sessions the group keeps; the least recently active goes first</td></tr>
 * <tr><td>{@code read.lease}</td><td>{@code false}</td><td>{@code true} or {@code false}</td><td>{@code true} answers
 *     linearizable reads from the leader's lease, which assumes nearly equal clock rates (OPERATIONS.md, "Lease reads
 *     and clocks"); the same on every replica</td></tr>
 * <tr><td>{@code log.segment-bytes}</td><td>{@code 8MiB}</td><td>a size, at least {@code 1KiB}</td><td>log segment file
 *     size; the log is purged a whole closed segment at a time</td></tr>
 * <tr><td>{@code digest.every}</td><td>{@code 10000}</td><td>a whole number, at least {@code 0}</td><td>log entries
 *     between state digests compared across replicas; {@code 0} turns divergence detection off</td></tr>
 * <tr><td>{@code divergence.check-interval}</td><td>{@code 5s}</td><td>a duration, at least {@code 1ms}</td><td>how
 *     often those digests are compared</td></tr>
 * <tr><td>{@code health.lag-limit}</td><td>{@code 30s}</td><td>a duration, at least {@code 1s}</td><td>how long the
 *     replica may stay behind (a commit it knows of not applied, or its leader's entries not reaching its log) before
 *     {@code /health} answers 503</td></tr>
 * <tr><td>{@code http.port}</td><td>none</td><td>a whole number, {@code 0} to {@code 65535}</td><td>the port of the
 *     HTTP endpoints {@code /metrics} (Prometheus), {@code /health} and {@code /status}, on this replica's own host;
 *     {@code 0} picks a free port</td></tr>
 * <tr><td>{@code tls.cert}</td><td>none</td><td>a path</td><td>mutual TLS for replica and client traffic: this
 *     replica's certificate chain (PEM); {@code tls.cert}, {@code tls.key} and {@code tls.trust} all three or
 *     none</td></tr>
 * <tr><td>{@code tls.key}</td><td>none</td><td>a path</td><td>this replica's private key (PKCS#8 PEM)</td></tr>
 * <tr><td>{@code tls.trust}</td><td>none</td><td>a path</td><td>the CA certificates this replica trusts (PEM)</td></tr>
 * <tr><td>{@code ratis.raft.*}</td><td></td><td>text</td><td>a raw Apache Ratis property, for experts, applied after
 *     ratis-sm's settings, e.g. {@code ratis.raft.server.rpc.request.timeout = 5s}</td></tr>
 * </table>
 *
 * <p>The table is generated from the one table of settings, {@code io.ratissm.internal.config.Settings}; a test
 * fails when this copy differs. The {@link ReplicaServer.Builder} method of each setting explains it in full.
 * Durations are a number and a unit, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 2s}).
 * Sizes are a number of bytes, optionally with {@code KiB}, {@code MiB} or {@code GiB}.
 *
 * <p>Every mistake is an {@link InvalidConfigException} naming the key (and the line): an unknown key, a missing
 * required key, a malformed line or a key given twice, a bad value, a missing TLS file, an unusable storage
 * directory. Immutable.
 */
public final class ReplicaConfig {
    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9._-]+)\\s*[=:]\\s*(.*)");
    private static final Set<String> REQUIRED = Settings.ALL.stream()
            .filter(Setting::isRequired)
            .map(Setting::key)
            .collect(Collectors.toCollection(TreeSet::new));
    private static final Set<String> KEYS =
            Settings.ALL.stream().map(Setting::key).collect(Collectors.toCollection(TreeSet::new));

    private final Path file;
    private final String id;
    private final List<String> peers;
    private final String group;
    private final Path storage;
    private final String stateMachineName;
    private final Supplier<? extends StateMachine> stateMachine;
    /** The settings this file gives that the builder takes as they are, each ready to apply. */
    private final List<Consumer<ReplicaServer.Builder>> settings = new ArrayList<>();

    private final boolean join;
    private final OptionalInt httpPort;
    private final Optional<Path> tlsCert;
    private final Optional<Path> tlsKey;
    private final Optional<Path> tlsTrust;
    private final Optional<Tls> tls;
    private final Map<String, String> ratisProperties;

    private ReplicaConfig(Reader r, Map<String, Supplier<? extends StateMachine>> aliases, ClassLoader classLoader) {
        this.file = r.file;
        this.id = r.required(Settings.ID);
        this.group = r.value(Settings.GROUP).orElse(Settings.GROUP.defaultOrNull());
        GroupSpec spec = r.parse(Settings.PEERS, v -> GroupSpec.parse(group, List.of(v)));
        this.peers = spec.addresses().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
        if (!spec.contains(id)) {
            throw r.problem(
                    Problem.BAD_VALUE,
                    Settings.ID.key(),
                    "id '" + id + "' is not one of the peers "
                            + spec.addresses().keySet()
                            + "; every replica, this one included, must be listed in peers");
        }
        this.stateMachineName = r.required(Settings.STATE_MACHINE);
        Supplier<? extends StateMachine> resolved =
                resolveStateMachine(r, stateMachineName, aliases, withClasspathKey(r, classLoader));
        this.stateMachine = r.value(Settings.SHARDED).orElse(false) ? Sharded.of(resolved) : resolved;
        for (Setting<?> setting : Settings.ALL) {
            readInto(settings, r, setting);
        }
        this.join = r.value(Settings.JOIN).orElse(Settings.JOIN.defaultOrNull());
        this.httpPort = r.value(Settings.HTTP_PORT).map(OptionalInt::of).orElse(OptionalInt.empty());
        this.tlsCert = readableFile(r, Settings.TLS_CERT);
        this.tlsKey = readableFile(r, Settings.TLS_KEY);
        this.tlsTrust = readableFile(r, Settings.TLS_TRUST);
        if (tlsCert.isPresent() || tlsKey.isPresent() || tlsTrust.isPresent()) {
            for (Setting<String> k : List.of(Settings.TLS_CERT, Settings.TLS_KEY, Settings.TLS_TRUST)) {
                if (r.text(k).isEmpty()) {
                    throw r.problem(
                            Problem.MISSING_KEY,
                            k.key(),
                            "TLS needs tls.cert, tls.key and tls.trust together; " + k.key() + " is missing");
                }
            }
            this.tls = Optional.of(pemFiles(r));
        } else {
            this.tls = Optional.empty();
        }
        this.ratisProperties = new TreeMap<>();
        r.entries.forEach((k, e) -> {
            if (k.startsWith(Settings.RATIS_PREFIX)) {
                ratisProperties.put(k.substring(Settings.RATIS_PREFIX.length()), e.value());
            }
        });
        this.storage = usableStorage(r);
    }

    /** Parses {@code setting} if the file gives it and the builder takes it as it is, and keeps it to apply. */
    private static <T extends Comparable<? super T>> void readInto(
            List<Consumer<ReplicaServer.Builder>> into, Reader r, Setting<T> setting) {
        if (setting.appliesToBuilder()) {
            r.value(setting).ifPresent(value -> into.add(b -> setting.applyTo(b, value)));
        }
    }

    /** Reads and validates {@code file}, whose {@code state-machine} must be a class name. */
    public static ReplicaConfig load(Path file) {
        return load(file, Map.of());
    }

    /**
     * Reads and validates {@code file}. Writes nothing, creates nothing. A {@code state-machine} class is looked up in
     * the current thread's context class loader, then in the jars of the {@code classpath} key.
     *
     * @param stateMachines short names for {@code state-machine} (matched ignoring case), besides class names
     * @throws InvalidConfigException naming the file, key and line of the first mistake
     */
    public static ReplicaConfig load(Path file, Map<String, Supplier<? extends StateMachine>> stateMachines) {
        return load(file, stateMachines, Thread.currentThread().getContextClassLoader());
    }

    /**
     * Reads and validates {@code file}, as {@link #load(Path, Map)}, looking a {@code state-machine} class up in
     * {@code classLoader} (e.g. one over the jars of a command-line option), then in the jars of the {@code
     * classpath} key. When the class is found nowhere, the exception's cause is the {@link ClassNotFoundException}
     * (or the {@link LinkageError} of a class that is there but cannot be loaded).
     */
    public static ReplicaConfig load(
            Path file, Map<String, Supplier<? extends StateMachine>> stateMachines, ClassLoader classLoader) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new InvalidConfigException(Problem.UNREADABLE_FILE, null, 0, file + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new InvalidConfigException(
                    Problem.UNREADABLE_FILE,
                    null,
                    0,
                    "cannot read the configuration file " + file + " ("
                            + (Files.exists(file) ? "unreadable: " + e.getMessage() : "no such file") + ")");
        }
        return new ReplicaConfig(new Reader(file, lines), stateMachines, classLoader);
    }

    /**
     * A server builder with every setting of this file applied, ready to {@code build().start()}. Settings the file
     * does not give keep {@link ReplicaServer.Builder}'s defaults.
     */
    public ReplicaServer.Builder serverBuilder() {
        ReplicaServer.Builder b =
                ReplicaServer.builder().id(id).peers(peers).storage(storage).stateMachine(stateMachine);
        settings.forEach(apply -> apply.accept(b));
        ratisProperties.forEach(b::property);
        tls.ifPresent(b::tls);
        return b;
    }

    /** Parses the three TLS files now, so that a bad certificate or key fails the load, naming its key. */
    private Tls pemFiles(Reader r) {
        try {
            return Tls.fromPem(tlsCert.orElseThrow(), tlsKey.orElseThrow(), tlsTrust.orElseThrow());
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            Setting<String> culprit = message.contains(tlsKey.orElseThrow().toString())
                    ? Settings.TLS_KEY
                    : message.contains(tlsTrust.orElseThrow().toString()) ? Settings.TLS_TRUST : Settings.TLS_CERT;
            String key = culprit.key();
            throw r.problem(Problem.BAD_VALUE, key, key + ": " + message);
        }
    }

    public Path file() {
        return file;
    }

    public String id() {
        return id;
    }

    /** The peers, {@code id=host:port}. */
    public List<String> peers() {
        return peers;
    }

    public String group() {
        return group;
    }

    /** The storage directory, absolute. */
    public Path storage() {
        return storage;
    }

    /** The {@code state-machine} value as written. */
    public String stateMachineName() {
        return stateMachineName;
    }

    public boolean join() {
        return join;
    }

    public OptionalInt httpPort() {
        return httpPort;
    }

    public Optional<Path> tlsCert() {
        return tlsCert;
    }

    public Optional<Path> tlsKey() {
        return tlsKey;
    }

    public Optional<Path> tlsTrust() {
        return tlsTrust;
    }

    /** The parsed TLS files, when {@code tls.*} are given. */
    public Optional<Tls> tls() {
        return tls;
    }

    /** The {@code ratis.*} properties, without the prefix. */
    public Map<String, String> ratisProperties() {
        return Map.copyOf(ratisProperties);
    }

    private static Optional<Path> readableFile(Reader r, Setting<String> setting) {
        String key = setting.key();
        return r.text(setting).map(v -> {
            Path p = r.path(v);
            if (!Files.exists(p)) {
                throw r.problem(Problem.MISSING_FILE, key, key + ": no such file " + p);
            }
            if (!Files.isRegularFile(p)) {
                throw r.problem(Problem.MISSING_FILE, key, key + ": " + p + " is not a file");
            }
            if (!Files.isReadable(p)) {
                throw r.problem(Problem.MISSING_FILE, key, key + ": file " + p + " is not readable by this user");
            }
            return p;
        });
    }

    /** Checks, without creating anything, that the storage directory exists and is writable or can be created. */
    private static Path usableStorage(Reader r) {
        Path dir = r.path(r.required(Settings.STORAGE));
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw r.problem(Problem.STORAGE, "storage", "storage: " + dir + " exists and is not a directory");
            }
            if (!Files.isWritable(dir)) {
                throw r.problem(
                        Problem.STORAGE, "storage", "storage: directory " + dir + " is not writable by this user");
            }
            return dir;
        }
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            throw r.problem(
                    Problem.STORAGE,
                    "storage",
                    "storage: " + dir + " does not exist and cannot be created ("
                            + (ancestor == null ? "no existing parent" : ancestor + " is not a writable directory")
                            + ")");
        }
        return dir;
    }

    /**
     * {@code parent}, and after it the jars and directories of the {@code classpath} key, each checked to exist. The
     * loader lives as long as the replica's process: the state machine's classes are never unloaded.
     */
    private static ClassLoader withClasspathKey(Reader r, ClassLoader parent) {
        String key = Settings.CLASSPATH.key();
        return r.text(Settings.CLASSPATH)
                .map(v -> {
                    try {
                        return ClassPath.loader(ClassPath.expand(v, r.path(".")), parent);
                    } catch (IllegalArgumentException e) {
                        throw r.problem(Problem.MISSING_FILE, key, key + ": " + e.getMessage());
                    }
                })
                .orElse(parent);
    }

    private static Supplier<? extends StateMachine> resolveStateMachine(
            Reader r, String name, Map<String, Supplier<? extends StateMachine>> aliases, ClassLoader loader) {
        for (Map.Entry<String, Supplier<? extends StateMachine>> alias : aliases.entrySet()) {
            if (alias.getKey().equalsIgnoreCase(name)) {
                return alias.getValue();
            }
        }
        String known = aliases.isEmpty() ? "" : "one of " + new TreeMap<>(aliases).keySet() + " or ";
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            String where = r.text(Settings.CLASSPATH)
                    .map(v -> " or in the jars of " + Settings.CLASSPATH.key() + " '" + v + "'")
                    .orElse("");
            InvalidConfigException notFound = r.problem(
                    Problem.BAD_VALUE,
                    "state-machine",
                    "state-machine: '" + name + "' is neither " + known + "a class on the classpath" + where
                            + (e instanceof LinkageError ? " that loads (" + e + ")" : ""));
            notFound.initCause(e);
            throw notFound;
        }
        if (!StateMachine.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            throw r.problem(
                    Problem.BAD_VALUE,
                    "state-machine",
                    "state-machine: class " + name + " is not a concrete implementation of "
                            + StateMachine.class.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw r.problem(
                    Problem.BAD_VALUE,
                    "state-machine",
                    "state-machine: class " + name + " has no public constructor without arguments");
        }
        return () -> {
            try {
                return (StateMachine) constructor.newInstance();
            } catch (InvocationTargetException e) {
                throw new RatisSmException("state machine " + name + " failed to construct", e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new RatisSmException("state machine " + name + " cannot be constructed", e);
            }
        };
    }

    /** The parsed lines of one file, and the errors that name their key and line. */
    private static final class Reader {
        private final Path file;
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        private record Entry(String value, int line) {}

        Reader(Path file, List<String> lines) {
            this.file = file;
            for (int i = 0; i < lines.size(); i++) {
                int number = i + 1;
                String line = lines.get(i).strip();
                if (i == 0 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new InvalidConfigException(
                            Problem.SYNTAX,
                            null,
                            number,
                            file + " line " + number + ": expected 'key = value', found '" + line + "'");
                }
                String key = m.group(1);
                if (!KEYS.contains(key) && !isRatisKey(key)) {
                    throw new InvalidConfigException(
                            Problem.UNKNOWN_KEY,
                            key,
                            number,
                            file + " line " + number + ": unknown key '" + key + "'" + suggestion(key));
                }
                Entry previous = entries.put(key, new Entry(m.group(2).strip(), number));
                if (previous != null) {
                    throw new InvalidConfigException(
                            Problem.SYNTAX,
                            key,
                            number,
                            file + " line " + number + ": key '" + key + "' is already given on line "
                                    + previous.line());
                }
            }
        }

        private static boolean isRatisKey(String key) {
            return key.startsWith(Settings.RATIS_PREFIX + "raft.") && key.length() > Settings.RATIS_PREFIX.length() + 5;
        }

        String required(Setting<String> setting) {
            String key = setting.key();
            return text(setting)
                    .orElseThrow(() -> new InvalidConfigException(
                            Problem.MISSING_KEY,
                            key,
                            0,
                            file + ": missing required key '" + key + "' (required: " + REQUIRED + ")"));
        }

        /** The setting's text as written, if the file gives it. */
        Optional<String> text(Setting<?> setting) {
            String key = setting.key();
            Entry e = entries.get(key);
            if (e == null) {
                return Optional.empty();
            }
            if (e.value().isEmpty()) {
                throw problem(Problem.BAD_VALUE, key, key + ": empty value");
            }
            return Optional.of(e.value());
        }

        /** The setting's value, read and checked against its bound, if the file gives it. */
        <T extends Comparable<? super T>> Optional<T> value(Setting<T> setting) {
            return text(setting).map(v -> parse(setting.key(), v, setting::parse));
        }

        /** Parses a required key's value with {@code parse}. */
        <T> T parse(Setting<String> setting, Function<String, T> parse) {
            return parse(setting.key(), required(setting), parse);
        }

        /** The parser's {@link IllegalArgumentException} becomes a bad-value error naming the key and line. */
        private <T> T parse(String key, String text, Function<String, T> parse) {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw problem(Problem.BAD_VALUE, key, key + ": " + e.getMessage());
            }
        }

        Path path(String value) {
            Path p = Path.of(value);
            Path base = file.toAbsolutePath().getParent();
            return (p.isAbsolute() || base == null ? p : base.resolve(p))
                    .toAbsolutePath()
                    .normalize();
        }

        InvalidConfigException problem(Problem problem, String key, String message) {
            Entry e = entries.get(key);
            int line = e == null ? 0 : e.line();
            return new InvalidConfigException(
                    problem, key, line, file + (line > 0 ? " line " + line : "") + ": " + message);
        }

        private static String suggestion(String key) {
            return KEYS.stream()
                    .min(Comparator.comparingInt(k -> distance(k, key)))
                    .filter(k -> distance(k, key) <= 3)
                    .map(k -> " (did you mean '" + k + "'?)")
                    .orElse(
                            key.startsWith(Settings.RATIS_PREFIX)
                                    ? " (raw Ratis properties are " + Settings.RATIS_KEYS + ")"
                                    : "; the keys are " + String.join(", ", KEYS) + ", " + Settings.RATIS_KEYS);
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }
}

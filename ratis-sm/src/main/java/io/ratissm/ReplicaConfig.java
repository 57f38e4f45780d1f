package io.ratissm;

import io.ratissm.InvalidConfigException.Problem;
import io.ratissm.internal.GroupSpec;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code id}</td><td>required</td><td>this replica's id; one of {@code peers}</td></tr>
 * <tr><td>{@code peers}</td><td>required</td><td>every replica as {@code id=host:port}, comma separated; this
 *     replica listens on its own entry's port. Only the first membership: after replicas are added or removed,
 *     the membership in the replica's log wins</td></tr>
 * <tr><td>{@code storage}</td><td>required</td><td>the replica's data directory (log and snapshots), its own;
 *     a relative path is relative to the configuration file's directory. Created at start if absent</td></tr>
 * <tr><td>{@code state-machine}</td><td>required</td><td>a bundled state machine's short name (as the caller of
 *     {@link #load(Path, Map)} defines them), or the class name of a {@link StateMachine} with a public no-argument
 *     constructor, on the classpath</td></tr>
 * <tr><td>{@code group}</td><td>{@code ratis-sm}</td><td>the group's name; clients use the same</td></tr>
 * <tr><td>{@code replication}</td><td>{@code ACTIVE}</td><td>{@code ACTIVE} or {@code PASSIVE}, the same on every
 *     replica</td></tr>
 * <tr><td>{@code join}</td><td>{@code false}</td><td>{@code true} for a replica added to a running group: it
 *     waits to be added ({@code admin add-replica}); see {@link ReplicaServer.Builder#join}</td></tr>
 * <tr><td>{@code snapshot.every}</td><td>10000</td><td>log entries between automatic snapshots (positive)</td></tr>
 * <tr><td>{@code max-command-bytes}</td><td>1MiB</td><td>largest command accepted; a size (below)</td></tr>
 * <tr><td>{@code election-timeout}</td><td>1s</td><td>minimum election timeout (at least 50ms; the maximum is
 *     twice it); a duration (below)</td></tr>
 * <tr><td>{@code session.idle-timeout}</td><td>10m</td><td>how long the group keeps an idle client session, in
 *     session time (at least 1m); see {@link ReplicaServer.Builder#sessionIdleTimeout}</td></tr>
 * <tr><td>{@code session.limit}</td><td>100000</td><td>the most client sessions the group keeps (positive); see
 *     {@link ReplicaServer.Builder#maxSessions}</td></tr>
 * <tr><td>{@code read.lease}</td><td>{@code false}</td><td>{@code true} answers linearizable reads from the leader's
 *     lease, which assumes the replicas' clocks run at nearly the same rate; the same on every replica. See
 *     {@link ReplicaServer.Builder#leaseReads} for the exact bound</td></tr>
 * <tr><td>{@code log.segment-bytes}</td><td>8MiB</td><td>log segment file size (at least 1KiB)</td></tr>
 * <tr><td>{@code digest.every}</td><td>10000</td><td>log entries between state digests for divergence detection;
 *     0 turns it off</td></tr>
 * <tr><td>{@code divergence.check-interval}</td><td>5s</td><td>how often digests are compared</td></tr>
 * <tr><td>{@code health.lag-limit}</td><td>30s</td><td>how long the replica may stay behind the commit index it
 *     knows of, or behind its leader, before {@code /health} says so (at least 1s); see
 *     {@link ReplicaServer.Builder#lagLimit}</td></tr>
 * <tr><td>{@code http.port}</td><td>none</td><td>port of the HTTP {@code /metrics}, {@code /health} and
 *     {@code /status} endpoints (1-65535), on this replica's own host</td></tr>
 * <tr><td>{@code tls.cert}, {@code tls.key}, {@code tls.trust}</td><td>none</td><td>mutual TLS for replica and
 *     client traffic: this replica's certificate chain, its private key, and the CA certificates it trusts
 *     (PEM files). All three or none; each must exist and be readable</td></tr>
 * <tr><td>{@code ratis.<property>}</td><td></td><td>a raw Apache Ratis property, e.g.
 *     {@code ratis.raft.server.rpc.request.timeout = 5s}; for experts, applied after ratis-sm's settings</td></tr>
 * </table>
 *
 * <p>Durations are a number and a unit, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms},
 * {@code 2s}). Sizes are a number of bytes, optionally with {@code KiB}, {@code MiB} or {@code GiB}.
 *
 * <p>Every mistake is an {@link InvalidConfigException} naming the key (and the line): an unknown key, a missing
 * required key, a malformed line or a key given twice, a bad value, a missing TLS file, an unusable storage
 * directory. Immutable.
 */
public final class ReplicaConfig {
    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9._-]+)\\s*[=:]\\s*(.*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB)");
    private static final String RATIS_PREFIX = "ratis.";
    private static final Set<String> REQUIRED = Set.of("id", "peers", "storage", "state-machine");
    private static final Set<String> KEYS = Set.of("id", "peers", "storage", "state-machine", "group", "replication",
            "join", "snapshot.every", "max-command-bytes", "election-timeout", "session.idle-timeout", "session.limit",
            "read.lease", "log.segment-bytes", "digest.every", "divergence.check-interval", "health.lag-limit",
            "http.port", "tls.cert", "tls.key", "tls.trust");

    private final Path file;
    private final String id;
    private final List<String> peers;
    private final String group;
    private final Path storage;
    private final String stateMachineName;
    private final Supplier<? extends StateMachine> stateMachine;
    private final Map<String, Object> tuning;
    private final boolean join;
    private final OptionalInt httpPort;
    private final Optional<Path> tlsCert;
    private final Optional<Path> tlsKey;
    private final Optional<Path> tlsTrust;
    private final Optional<Tls> tls;
    private final Map<String, String> ratisProperties;

    private ReplicaConfig(Reader r, Map<String, Supplier<? extends StateMachine>> aliases) {
        this.file = r.file;
        this.id = r.required("id");
        this.group = r.optional("group").orElse(GroupSpec.DEFAULT_NAME);
        GroupSpec spec = r.value("peers", v -> GroupSpec.parse(group, List.of(v)));
        this.peers = spec.addresses().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        if (!spec.contains(id)) {
            throw r.problem(Problem.BAD_VALUE, "id", "id '" + id + "' is not one of the peers "
                    + spec.addresses().keySet() + "; every replica, this one included, must be listed in peers");
        }
        this.stateMachineName = r.required("state-machine");
        this.stateMachine = resolveStateMachine(r, stateMachineName, aliases);
        this.tuning = new LinkedHashMap<>();
        r.optional("replication").ifPresent(v -> tuning.put("replication", r.value("replication", x -> {
            try {
                return Replication.valueOf(x.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + x + "' is not ACTIVE or PASSIVE");
            }
        })));
        this.join = r.optional("join").map(v -> r.value("join", ReplicaConfig::parseBoolean)).orElse(false);
        positive(r, "snapshot.every", 1);
        size(r, "max-command-bytes", 1, Integer.MAX_VALUE);
        duration(r, "election-timeout", Duration.ofMillis(50));
        duration(r, "session.idle-timeout", ReplicaServer.MIN_SESSION_IDLE_TIMEOUT);
        positive(r, "session.limit", 1);
        r.optional("read.lease").ifPresent(v -> tuning.put("read.lease", r.value("read.lease",
                ReplicaConfig::parseBoolean)));
        size(r, "log.segment-bytes", 1024, Long.MAX_VALUE);
        positive(r, "digest.every", 0);
        duration(r, "divergence.check-interval", Duration.ofMillis(1));
        duration(r, "health.lag-limit", Duration.ofSeconds(1));
        this.httpPort = r.optional("http.port").map(v -> OptionalInt.of(r.value("http.port", x -> {
            long port = parseCount(x);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("a port is 1-65535, was " + x);
            }
            return (int) port;
        }))).orElse(OptionalInt.empty());
        this.tlsCert = readableFile(r, "tls.cert");
        this.tlsKey = readableFile(r, "tls.key");
        this.tlsTrust = readableFile(r, "tls.trust");
        if (tlsCert.isPresent() || tlsKey.isPresent() || tlsTrust.isPresent()) {
            for (String k : List.of("tls.cert", "tls.key", "tls.trust")) {
                if (r.optional(k).isEmpty()) {
                    throw r.problem(Problem.MISSING_KEY, k, "TLS needs tls.cert, tls.key and tls.trust together; "
                            + k + " is missing");
                }
            }
            this.tls = Optional.of(pemFiles(r));
        } else {
            this.tls = Optional.empty();
        }
        this.ratisProperties = new TreeMap<>();
        r.entries.forEach((k, e) -> {
            if (k.startsWith(RATIS_PREFIX)) {
                ratisProperties.put(k.substring(RATIS_PREFIX.length()), e.value());
            }
        });
        this.storage = usableStorage(r);
    }

    /** Reads and validates {@code file}, whose {@code state-machine} must be a class name. */
    public static ReplicaConfig load(Path file) {
        return load(file, Map.of());
    }

    /**
     * Reads and validates {@code file}. Writes nothing, creates nothing.
     *
     * @param stateMachines short names for {@code state-machine} (matched ignoring case), besides class names
     * @throws InvalidConfigException naming the file, key and line of the first mistake
     */
    public static ReplicaConfig load(Path file, Map<String, Supplier<? extends StateMachine>> stateMachines) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new InvalidConfigException(Problem.UNREADABLE_FILE, null, 0, file + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new InvalidConfigException(Problem.UNREADABLE_FILE, null, 0, "cannot read the configuration file "
                    + file + " (" + (Files.exists(file) ? "unreadable: " + e.getMessage() : "no such file") + ")");
        }
        return new ReplicaConfig(new Reader(file, lines), stateMachines);
    }

    /**
     * A server builder with every setting of this file applied, ready to {@code build().start()}. Settings the file
     * does not give keep {@link ReplicaServer.Builder}'s defaults.
     */
    public ReplicaServer.Builder serverBuilder() {
        ReplicaServer.Builder b = ReplicaServer.builder().id(id).peers(peers).group(group).storage(storage)
                .stateMachine(stateMachine).join(join);
        tuning.forEach((key, value) -> {
            switch (key) {
                case "replication" -> b.replication((Replication) value);
                case "snapshot.every" -> b.snapshotEvery((Long) value);
                case "max-command-bytes" -> b.maxCommandBytes(((Long) value).intValue());
                case "election-timeout" -> b.electionTimeout((Duration) value);
                case "session.idle-timeout" -> b.sessionIdleTimeout((Duration) value);
                case "session.limit" -> b.maxSessions((int) Math.min(Integer.MAX_VALUE, (Long) value));
                case "read.lease" -> b.leaseReads((Boolean) value);
                case "log.segment-bytes" -> b.logSegmentBytes((Long) value);
                case "digest.every" -> b.digestEvery((Long) value);
                case "divergence.check-interval" -> b.divergenceCheckInterval((Duration) value);
                case "health.lag-limit" -> b.lagLimit((Duration) value);
                default -> throw new IllegalStateException("no builder setting for " + key);
            }
        });
        ratisProperties.forEach(b::property);
        applyOperationsSettings(b);
        return b;
    }

    private void applyOperationsSettings(ReplicaServer.Builder b) {
        httpPort.ifPresent(b::httpPort);
        tls.ifPresent(b::tls);
    }

    /** Parses the three TLS files now, so that a bad certificate or key fails the load, naming its key. */
    private Tls pemFiles(Reader r) {
        try {
            return Tls.fromPem(tlsCert.orElseThrow(), tlsKey.orElseThrow(), tlsTrust.orElseThrow());
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            String key = message.contains(tlsKey.orElseThrow().toString()) ? "tls.key"
                    : message.contains(tlsTrust.orElseThrow().toString()) ? "tls.trust" : "tls.cert";
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

    private void positive(Reader r, String key, long min) {
        r.optional(key).ifPresent(v -> tuning.put(key, r.value(key, x -> {
            long n = parseCount(x);
            if (n < min) {
                throw new IllegalArgumentException("must be at least " + min + ", was " + x);
            }
            return n;
        })));
    }

    private void size(Reader r, String key, long min, long max) {
        r.optional(key).ifPresent(v -> tuning.put(key, r.value(key, x -> {
            long n = parseSize(x);
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + " bytes, was " + x);
            }
            return n;
        })));
    }

    private void duration(Reader r, String key, Duration min) {
        r.optional(key).ifPresent(v -> tuning.put(key, r.value(key, x -> {
            Duration d = parseDuration(x);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms, was " + x);
            }
            return d;
        })));
    }

    private Optional<Path> readableFile(Reader r, String key) {
        return r.optional(key).map(v -> {
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
        Path dir = r.path(r.required("storage"));
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw r.problem(Problem.STORAGE, "storage", "storage: " + dir + " exists and is not a directory");
            }
            if (!Files.isWritable(dir)) {
                throw r.problem(Problem.STORAGE, "storage", "storage: directory " + dir
                        + " is not writable by this user");
            }
            return dir;
        }
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            throw r.problem(Problem.STORAGE, "storage", "storage: " + dir + " does not exist and cannot be created ("
                    + (ancestor == null ? "no existing parent" : ancestor + " is not a writable directory") + ")");
        }
        return dir;
    }

    private static Supplier<? extends StateMachine> resolveStateMachine(
            Reader r, String name, Map<String, Supplier<? extends StateMachine>> aliases) {
        for (Map.Entry<String, Supplier<? extends StateMachine>> alias : aliases.entrySet()) {
            if (alias.getKey().equalsIgnoreCase(name)) {
                return alias.getValue();
            }
        }
        String known = aliases.isEmpty() ? "" : "one of " + new TreeMap<>(aliases).keySet() + " or ";
        Class<?> type;
        try {
            type = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw r.problem(Problem.BAD_VALUE, "state-machine", "state-machine: '" + name + "' is neither " + known
                    + "a class on the classpath");
        }
        if (!StateMachine.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            throw r.problem(Problem.BAD_VALUE, "state-machine", "state-machine: class " + name
                    + " is not a concrete implementation of " + StateMachine.class.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw r.problem(Problem.BAD_VALUE, "state-machine", "state-machine: class " + name
                    + " has no public constructor without arguments");
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

    private static boolean parseBoolean(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("'" + v + "' is not true or false");
    }

    private static long parseCount(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    private static long parseSize(String v) {
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + v + "' is not a size (bytes, or a number with KiB, MiB or GiB)");
        }
        long unit = switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is too large");
        }
    }

    private static Duration parseDuration(String v) {
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + v + "' is not a duration (a number with ms, s, m or h, e.g. 2s)");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is too large");
        }
    }

    /** The parsed lines of one file, and the errors that name their key and line. */
    private static final class Reader {
        private final Path file;
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        private record Entry(String value, int line) {
        }

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
                    throw new InvalidConfigException(Problem.SYNTAX, null, number, file + " line " + number
                            + ": expected 'key = value', found '" + line + "'");
                }
                String key = m.group(1);
                if (!KEYS.contains(key) && !isRatisKey(key)) {
                    throw new InvalidConfigException(Problem.UNKNOWN_KEY, key, number, file + " line " + number
                            + ": unknown key '" + key + "'" + suggestion(key));
                }
                Entry previous = entries.put(key, new Entry(m.group(2).strip(), number));
                if (previous != null) {
                    throw new InvalidConfigException(Problem.SYNTAX, key, number, file + " line " + number
                            + ": key '" + key + "' is already given on line " + previous.line());
                }
            }
        }

        private static boolean isRatisKey(String key) {
            return key.startsWith(RATIS_PREFIX + "raft.") && key.length() > RATIS_PREFIX.length() + 5;
        }

        String required(String key) {
            return optional(key).orElseThrow(() -> new InvalidConfigException(Problem.MISSING_KEY, key, 0,
                    file + ": missing required key '" + key + "' (required: " + new TreeSet<>(REQUIRED) + ")"));
        }

        Optional<String> optional(String key) {
            Entry e = entries.get(key);
            if (e == null) {
                return Optional.empty();
            }
            if (e.value().isEmpty()) {
                throw problem(Problem.BAD_VALUE, key, key + ": empty value");
            }
            return Optional.of(e.value());
        }

        /** Parses the key's value; the parser's {@link IllegalArgumentException} becomes a bad-value error. */
        <T> T value(String key, Function<String, T> parse) {
            String v = required(key);
            try {
                return parse.apply(v);
            } catch (IllegalArgumentException e) {
                throw problem(Problem.BAD_VALUE, key, key + ": " + e.getMessage());
            }
        }

        Path path(String value) {
            Path p = Path.of(value);
            Path base = file.toAbsolutePath().getParent();
            return (p.isAbsolute() || base == null ? p : base.resolve(p)).toAbsolutePath().normalize();
        }

        InvalidConfigException problem(Problem problem, String key, String message) {
            Entry e = entries.get(key);
            int line = e == null ? 0 : e.line();
            return new InvalidConfigException(problem, key, line, file + (line > 0 ? " line " + line : "") + ": "
                    + message);
        }

        private static String suggestion(String key) {
            return KEYS.stream().min(Comparator.comparingInt(k -> distance(k, key)))
                    .filter(k -> distance(k, key) <= 3).map(k -> " (did you mean '" + k + "'?)")
                    .orElse(key.startsWith(RATIS_PREFIX) ? " (raw Ratis properties are ratis.raft.*)"
                            : "; the keys are " + String.join(", ", new TreeSet<>(KEYS)) + ", ratis.raft.*");
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

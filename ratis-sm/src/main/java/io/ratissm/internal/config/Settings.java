package io.ratissm.internal.config;

import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.internal.GroupSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of a replica, in one table: key, type, default, bound and one line of documentation each. The
 * defaults and checks of {@link ReplicaServer.Builder}, the keys of the configuration file ({@code ReplicaConfig}),
 * {@code ratis-sm server --help}, and the settings tables of the README and of {@code ReplicaConfig}'s javadoc all
 * come from here ({@link SettingsDoc} renders the tables; a test checks the written copies against it). Changing a
 * key, default or bound here changes every one of them, and may break users' configuration files.
 */
public final class Settings {
    public static final Setting<String> ID =
            Setting.required("id", SettingType.TEXT, "this replica's id; one of `peers`");
    public static final Setting<String> PEERS = Setting.required(
            "peers",
            SettingType.TEXT,
            "every replica as `id=host:port`, comma separated; this replica listens on its own entry's port. Only the"
                    + " first membership: after replicas are added or removed, the membership in the replica's log"
                    + " wins");
    public static final Setting<String> STORAGE = Setting.required(
            "storage",
            SettingType.PATH,
            "the replica's data directory (log and snapshots), its own; a relative path is relative to the"
                    + " configuration file's directory. Created at start if absent");
    public static final Setting<String> STATE_MACHINE = Setting.required(
            "state-machine",
            SettingType.TEXT,
            "a bundled state machine's short name (`ratis-sm server` knows `kv`, `counter`, `set`, `bank`,"
                    + " `journal`), or the class name of a `StateMachine` with a public no-argument constructor, on"
                    + " the classpath or in `classpath`");
    public static final Setting<String> CLASSPATH = Setting.optional(
            "classpath",
            "stateMachine",
            SettingType.CLASS_PATH,
            null,
            "where to load the `state-machine` class from besides the JVM's classpath: its jar and the jars it needs,"
                    + " or directories of classes; a pattern in the last part takes the matching jars of a directory"
                    + " (`lib/*.jar`). Relative paths are relative to the configuration file's directory, as"
                    + " `storage`",
            null);
    public static final Setting<Boolean> SHARDED = Setting.optional(
            "sharded",
            "stateMachine",
            SettingType.BOOLEAN,
            false,
            "`true` for the servers of a sharded deployment: every group they serve runs the `state-machine` behind"
                    + " a shard role (`io.ratissm.shard.Sharded`), and their own group is the placement group that"
                    + " holds the shard map (README, \"Sharded groups\")",
            null);
    public static final Setting<String> GROUP = Setting.optional(
            "group",
            "group",
            SettingType.TEXT,
            GroupSpec.DEFAULT_NAME,
            "the group's name; clients and admins pass the same with `--group`",
            ReplicaServer.Builder::group);
    public static final Setting<Replication> REPLICATION = Setting.optional(
            "replication",
            "replication",
            SettingType.REPLICATION,
            Replication.ACTIVE,
            "the replication mode; the same on every replica",
            ReplicaServer.Builder::replication);
    public static final Setting<Boolean> JOIN = Setting.optional(
            "join",
            "join",
            SettingType.BOOLEAN,
            false,
            "`true` for a replica added to a running group: it waits until an admin adds it (`admin add-replica`)",
            ReplicaServer.Builder::join);
    public static final Setting<Long> SNAPSHOT_EVERY = Setting.optional(
                    "snapshot.every",
                    "snapshotEvery",
                    SettingType.COUNT,
                    10_000L,
                    "log entries between automatic snapshots",
                    ReplicaServer.Builder::snapshotEvery)
            .atLeast(1L);
    public static final Setting<Integer> MAX_COMMAND_BYTES = Setting.optional(
                    "max-command-bytes",
                    "maxCommandBytes",
                    SettingType.INT_SIZE_BYTES,
                    1 << 20,
                    "the largest command accepted; sizes are bytes or a number with" + " `KiB`, `MiB` or `GiB`",
                    ReplicaServer.Builder::maxCommandBytes)
            .atLeast(1);
    public static final Setting<Duration> ELECTION_TIMEOUT = Setting.optional(
                    "election-timeout",
                    "electionTimeout",
                    SettingType.DURATION_TEXT,
                    Duration.ofSeconds(1),
                    "minimum election timeout (the maximum is twice it);"
                            + " durations are a number with `ms`, `s`, `m` or `h`",
                    ReplicaServer.Builder::electionTimeout)
            .atLeast(Duration.ofMillis(50));
    public static final Setting<Duration> SESSION_IDLE_TIMEOUT = Setting.optional(
                    "session.idle-timeout",
                    "sessionIdleTimeout",
                    SettingType.DURATION_TEXT,
                    Duration.ofMinutes(10),
                    "how long the group keeps an" + " idle client session, in session time",
                    ReplicaServer.Builder::sessionIdleTimeout)
            .atLeast(Duration.ofMinutes(1))
            .because("twice a client's default timeout, so that retries never outlive their session");
    public static final Setting<Integer> SESSION_LIMIT = Setting.optional(
                    "session.limit",
                    "maxSessions",
                    SettingType.INT_COUNT,
                    100_000,
                    "the most client sessions the group keeps; the least recently active" + " goes first",
                    ReplicaServer.Builder::maxSessions)
            .atLeast(1);
    public static final Setting<Boolean> READ_LEASE = Setting.optional(
            "read.lease",
            "leaseReads",
            SettingType.BOOLEAN,
            false,
            "`true` answers linearizable reads from the leader's lease, which assumes nearly equal clock"
                    + " rates (OPERATIONS.md, \"Lease reads and clocks\"); the same on every replica",
            ReplicaServer.Builder::leaseReads);
    public static final Setting<Long> LOG_SEGMENT_BYTES = Setting.optional(
                    "log.segment-bytes",
                    "logSegmentBytes",
                    SettingType.SIZE_BYTES,
                    8L << 20,
                    "log segment file size; the log is purged a whole closed segment at a" + " time",
                    ReplicaServer.Builder::logSegmentBytes)
            .atLeast(1024L);
    public static final Setting<Long> DIGEST_EVERY = Setting.optional(
                    "digest.every",
                    "digestEvery",
                    SettingType.COUNT,
                    10_000L,
                    "log entries between state digests compared across replicas; `0` turns divergence detection off",
                    ReplicaServer.Builder::digestEvery)
            .atLeast(0L);
    public static final Setting<Duration> DIVERGENCE_CHECK_INTERVAL = Setting.optional(
                    "divergence.check-interval",
                    "divergenceCheckInterval",
                    SettingType.DURATION_TEXT,
                    Duration.ofSeconds(5),
                    "how often those digests" + " are compared",
                    ReplicaServer.Builder::divergenceCheckInterval)
            .atLeast(Duration.ofMillis(1));
    public static final Setting<Duration> LAG_LIMIT = Setting.optional(
                    "health.lag-limit",
                    "lagLimit",
                    SettingType.DURATION_TEXT,
                    Duration.ofSeconds(30),
                    "how long the replica may stay behind (a commit it"
                            + " knows of not applied, or its leader's entries not reaching its log) before `/health` answers"
                            + " 503",
                    ReplicaServer.Builder::lagLimit)
            .atLeast(Duration.ofSeconds(1));
    public static final Setting<Integer> HTTP_PORT = Setting.optional(
                    "http.port",
                    "httpPort",
                    SettingType.INT_COUNT,
                    null,
                    "the port of the HTTP endpoints `/metrics` (Prometheus), `/health` and `/status`, on this"
                            + " replica's own host; `0` picks a free port",
                    ReplicaServer.Builder::httpPort)
            .between(0, 65535);
    public static final Setting<String> TLS_CERT = Setting.optional(
            "tls.cert",
            "tls",
            SettingType.PATH,
            null,
            "mutual TLS for replica and client traffic: this replica's certificate chain (PEM); `tls.cert`,"
                    + " `tls.key` and `tls.trust` all three or none",
            null);
    public static final Setting<String> TLS_KEY =
            Setting.optional("tls.key", "tls", SettingType.PATH, null, "this replica's private key (PKCS#8 PEM)", null);
    public static final Setting<String> TLS_TRUST = Setting.optional(
            "tls.trust", "tls", SettingType.PATH, null, "the CA certificates this replica trusts (PEM)", null);

    /** Every setting, in the order the documentation lists them. */
    public static final List<Setting<?>> ALL = List.of(
            ID,
            PEERS,
            STORAGE,
            STATE_MACHINE,
            CLASSPATH,
            SHARDED,
            GROUP,
            REPLICATION,
            JOIN,
            SNAPSHOT_EVERY,
            MAX_COMMAND_BYTES,
            ELECTION_TIMEOUT,
            SESSION_IDLE_TIMEOUT,
            SESSION_LIMIT,
            READ_LEASE,
            LOG_SEGMENT_BYTES,
            DIGEST_EVERY,
            DIVERGENCE_CHECK_INTERVAL,
            LAG_LIMIT,
            HTTP_PORT,
            TLS_CERT,
            TLS_KEY,
            TLS_TRUST);

    /** The prefix of a raw Apache Ratis property in a configuration file, passed to Ratis without it. */
    public static final String RATIS_PREFIX = "ratis.";
    /** How the documentation names the raw Ratis properties. */
    public static final String RATIS_KEYS = RATIS_PREFIX + "raft.*";
    /** What the documentation says of them. */
    public static final String RATIS_DOC = "a raw Apache Ratis property, for experts, applied after ratis-sm's"
            + " settings, e.g. `ratis.raft.server.rpc.request.timeout = 5s`";

    private Settings() {}

    /** The setting with this key, if there is one. */
    public static Optional<Setting<?>> byKey(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}

package io.ratissm.bench.baseline;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis properties of a baseline server: the ones a ratis-sm replica gets with {@code ReplicaServer}'s
 * default settings ({@code io.ratissm.internal.server.ServerSettings}, with snapshotEvery 10,000,
 * maxCommandBytes 1 MiB, electionTimeout 1 s, logSegmentBytes 8 MiB), so that the baseline differs from
 * ratis-sm only in what the framework does, not in how Ratis is tuned.
 *
 * <p>Written out rather than taken from {@code ServerSettings} so the benchmark does not break when the
 * framework's internals change shape; when ratis-sm changes a Ratis default there, change it here too, or
 * the comparison is no longer like for like ({@code BareRatisSettingsTest} fails until you do).
 */
final class BareRatisSettings {
    static final long SNAPSHOT_EVERY = 10_000;
    static final long MAX_COMMAND_BYTES = 1 << 20;
    static final long ELECTION_TIMEOUT_MILLIS = 1_000;
    static final long LOG_SEGMENT_BYTES = 8L << 20;

    private BareRatisSettings() {}

    static RaftProperties forServer(Path storage, int port) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(storage.toFile()));
        GrpcConfigKeys.Server.setPort(p, port);

        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(ELECTION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(
                p, TimeDuration.valueOf(2 * ELECTION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(
                p, TimeDuration.valueOf(Math.max(3000, 2 * ELECTION_TIMEOUT_MILLIS), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(
                p, "1ms,10, " + Math.max(1, ELECTION_TIMEOUT_MILLIS / 4) + "ms," + Integer.MAX_VALUE);
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_EVERY);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);

        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, SNAPSHOT_EVERY));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(LOG_SEGMENT_BYTES));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(4L << 20, LOG_SEGMENT_BYTES)));
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

        long entryLimit = Math.max(4L << 20, 2L * MAX_COMMAND_BYTES + (64 << 10)) + (4 << 10);
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryLimit));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(Math.max(8L << 20, 2 * entryLimit)));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(Math.max(64L << 20, 4 * entryLimit)));
        return p;
    }
}

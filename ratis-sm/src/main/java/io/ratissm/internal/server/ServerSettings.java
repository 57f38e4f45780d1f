package io.ratissm.internal.server;

import io.ratissm.Replication;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.tls.TlsCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * A replica's validated settings, and the Ratis properties they become. Every deviation from a Ratis default
 * is here, with the reason. {@code tls} is null for plaintext. {@code leaseReads}: see
 * {@code ReplicaServer.Builder.leaseReads} for what it assumes of the replicas' clocks.
 */
public record ServerSettings(
        String id,
        GroupSpec group,
        Path storage,
        Replication replication,
        long snapshotEvery,
        int maxCommandBytes,
        Duration electionTimeout,
        long logSegmentBytes,
        long digestEvery,
        Duration sessionIdleTimeout,
        int maxSessions,
        Map<String, String> rawProperties,
        TlsCredentials tls,
        boolean leaseReads) {

    /**
     * The Ratis parameters for this replica's server and for every client it opens to the other replicas (which
     * must speak TLS too once the group does); null, Ratis's default, when TLS is off.
     */
    public Parameters raftParameters() {
        return tls == null ? null : tls.ratisParameters();
    }

    /**
     * The largest log entry Ratis accepts is its appender buffer (4 MiB by default); it is kept large enough for a
     * command of the maximum size plus framing, and a passive effect may use all of it.
     */
    public long maxEntryBytes() {
        return Math.max(4L << 20, 2L * maxCommandBytes + (64 << 10));
    }

    /** The directory Ratis keeps this group's log, snapshots and metadata in, under the storage directory. */
    Path groupDirectory() {
        return storage.resolve(group.groupId().getUuid().toString());
    }

    /** Ratis's record of this replica's term and vote ({@link TermAndVote}). */
    Path termAndVoteFile() {
        return groupDirectory().resolve("current").resolve("raft-meta");
    }

    /** Ratis allocates each log segment's space ahead, this much at a time. */
    long logPreallocatedBytes() {
        return Math.min(4L << 20, logSegmentBytes);
    }

    /**
     * The free space at which a replica stopped by a full disk starts its Raft server again ({@link StorageWatch}):
     * room for the log to allocate two more rounds of space, above the floor at which it stops and the reserve it
     * sets aside again.
     */
    long resumeFreeBytes() {
        return StorageWatch.FLOOR_BYTES + TermAndVote.RESERVE_BYTES + 2 * logPreallocatedBytes();
    }

    public RaftProperties raftProperties() {
        RaftProperties p = new RaftProperties();
        // The default is a shared /tmp/raft-server: every replica needs its own directory.
        RaftServerConfigKeys.setStorageDir(p, List.of(storage.toFile()));
        String address = group.address(id);
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));

        // Ratis's 150-300 ms election timeouts cause leader churn on a loaded 2-core host and during GC pauses.
        long min = electionTimeout.toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        // Server-to-server RPCs must give up well before a follower would start an election.
        RaftServerConfigKeys.Rpc.setRequestTimeout(
                p, TimeDuration.valueOf(Math.max(3000, 2 * min), TimeUnit.MILLISECONDS));

        // A leader that keeps failing to reach a follower waits between retries and sends it nothing meanwhile,
        // heartbeats included. Ratis's default waits grow to 5 s: a replica that had just started with no membership
        // heard nothing for an election timeout, campaigned, and Ratis shuts a candidate outside its own
        // configuration down for good. Every wait (a random 0.5 to 1.5 times this) stays below the election timeout.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(
                p, "1ms,10, " + Math.max(1, min / 4) + "ms," + Integer.MAX_VALUE);

        // Linearizable reads by ReadIndex; Ratis's default lets a deposed leader answer reads.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        if (leaseReads) {
            // The lease lasts Ratis's default 0.9 of the minimum election timeout, on the leader's nanoTime.
            RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        }

        // Snapshots are off by default in Ratis, and every snapshot file would be kept forever.
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEvery);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        // A stop is treated like a crash: recovery replays the log, so it is always exercised.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);

        // Purge the log up to the snapshot even if a follower lags: it then gets the snapshot. Keeps disk bounded.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, snapshotEvery)));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(logSegmentBytes));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(logPreallocatedBytes()));
        // No commit-index entry after every commit (Ratis appends one by default): it doubled a lone command's log
        // entries and fsyncs (bench/PROFILE.md). An acknowledged command does not depend on it (it is acknowledged
        // once a majority fsynced it); what changes is that a restarted replica no longer reads its commit index back
        // from its log but learns it from the leader's first entry of the term, and holds only its snapshot's state
        // until then. That is safe because no leader answers a linearizable read before it has applied that entry
        // (RaftStateMachine.query: Ratis's read index skips that wait in a group of one), and RejoinGuard asks what a
        // peer's log holds, not what it knows to be committed.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

        long entryLimit = maxEntryBytes() + (4 << 10);
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryLimit));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(Math.max(8L << 20, 2 * entryLimit)));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(Math.max(64L << 20, 4 * entryLimit)));

        rawProperties.forEach(p::set);
        return p;
    }
}

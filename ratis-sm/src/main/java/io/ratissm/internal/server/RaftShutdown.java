package io.ratissm.internal.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a Raft server within a bounded time. Ratis's close waits, without a limit, until the apply loop has applied
 * every entry committed when the close began; an apply loop that is stuck (a state machine whose apply never returns,
 * or committed entries that are not in the log) makes it wait forever, and a replica asked to stop (SIGTERM) would
 * never exit. Past the limit the network server is closed, so that the port is free and the group stops talking to
 * this replica, and the rest of the close is left to Ratis's threads.
 */
public final class RaftShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(RaftShutdown.class);

    private RaftShutdown() {}

    /**
     * Closes {@code server}, waiting at most {@code limit} for Ratis's close.
     *
     * @param where what the apply loop was doing, for the error logged when the limit passes
     * @return whether Ratis's close finished within the limit
     */
    public static boolean closeWithin(String replicaId, RaftServer server, Duration limit, Supplier<String> where) {
        CompletableFuture<Void> closing = CompletableFuture.runAsync(
                () -> {
                    try {
                        server.close();
                    } catch (IOException e) {
                        LOG.warn("{}: error while stopping", replicaId, e);
                    }
                },
                r -> {
                    Thread t = new Thread(r, "ratis-sm-stop-" + replicaId);
                    t.setDaemon(true);
                    t.start();
                });
        try {
            closing.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            LOG.warn("{}: error while stopping", replicaId, e.getCause());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{}: interrupted while waiting for the Raft server to stop; it goes on stopping", replicaId);
            return false;
        } catch (TimeoutException e) {
            // handled below
        }
        LOG.error(
                "{}: the Raft server did not stop within {} s: its apply loop is stuck ({}); closing its network"
                        + " server and leaving the rest to Ratis's threads",
                replicaId,
                limit.toSeconds(),
                where.get());
        try {
            server.getServerRpc().close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: error while closing the network server", replicaId, e);
        }
        return false;
    }
}

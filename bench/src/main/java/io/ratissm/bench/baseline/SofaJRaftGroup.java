package io.ratissm.bench.baseline;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.ratissm.bench.baseline.CounterWire.IncrementReply;
import io.ratissm.bench.baseline.CounterWire.IncrementRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Three SOFAJRaft nodes running {@link SofaJRaftCounter} in this JVM, over Bolt on loopback, with their logs in
 * RocksDB in a fresh temporary directory, and one Bolt client: the second baseline ratis-sm is measured against
 * in the same run, the fastest Java Raft library we know of.
 *
 * <p>Settings (as in issue 16's reference run): {@code RaftOptions.sync = true} (every log write is fsynced
 * before it counts towards a majority, SOFAJRaft's default), {@code syncMeta = true} (term and vote fsynced
 * too; SOFAJRaft's default is false), the default RocksDB log storage, the default Bolt transport, election
 * timeout 1 s; everything else is SOFAJRaft 1.3.14's default (apply batch 32, 256 KiB append buffer, pipelined
 * replication with up to 256 messages in flight per follower). No snapshots (see {@link SofaJRaftCounter}).
 *
 * <p>The client path is the one SOFAJRaft's counter example takes: a request object ({@link IncrementRequest},
 * encoded by {@link CounterWire}) sent asynchronously to the leader's Bolt server, whose
 * processor wraps it in a {@link Task} for {@link Node#apply}; the reply leaves from the state machine thread
 * once the entry is committed and applied. The client sends to the leader it knows; a node that is not the leader
 * refuses a command before logging it and names the leader it knows, and the client sends the command there
 * (after 100 ms if no leader is known, up to 50 attempts, as the bare-Ratis baseline's client retries). A command
 * that failed after it may have been logged (the leader stepped down) is not retried, since SOFAJRaft has no
 * sessions to apply it once: it fails the benchmark. {@link #close()} stops everything and deletes the
 * directory.
 */
public final class SofaJRaftGroup implements AutoCloseable {
    private static final String GROUP = "sofa-bench";
    private static final int ELECTION_TIMEOUT_MILLIS = 1_000;
    private static final long REQUEST_TIMEOUT_MILLIS = 3_000;
    private static final int MAX_ATTEMPTS = 50;
    private static final Executor NO_LEADER_PAUSE = CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS);

    private final Path root;
    private final Configuration conf = new Configuration();
    private final Map<PeerId, RaftGroupService> services = new LinkedHashMap<>();
    private final Map<PeerId, Node> nodes = new LinkedHashMap<>();
    private final Map<PeerId, SofaJRaftCounter> counters = new LinkedHashMap<>();
    private RpcClient client;
    private volatile Endpoint leader;

    private SofaJRaftGroup(Path root) {
        this.root = root;
    }

    /** Starts three nodes, waits for a leader and connects a client to it. */
    public static SofaJRaftGroup start() throws IOException {
        CounterWire.register();
        SofaJRaftGroup g = new SofaJRaftGroup(Files.createTempDirectory("sofa-jraft"));
        try {
            for (int i = 0; i < 3; i++) {
                g.conf.addPeer(new PeerId("127.0.0.1", ScratchResources.freePort()));
            }
            for (PeerId peer : g.conf.getPeers()) {
                g.startNode(peer);
            }
            g.leader = g.awaitLeader().getEndpoint();
            g.client = RpcFactoryHelper.rpcFactory().createRpcClient();
            g.client.init(new RpcOptions());
            return g;
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private void startNode(PeerId peer) throws IOException {
        Path dir = Files.createDirectories(
                root.resolve(peer.getEndpoint().toString().replace(':', '_')));
        RaftOptions raft = new RaftOptions();
        raft.setSync(true);
        raft.setSyncMeta(true);
        NodeOptions options = new NodeOptions();
        options.setRaftOptions(raft);
        options.setElectionTimeoutMs(ELECTION_TIMEOUT_MILLIS);
        options.setInitialConf(conf.copy());
        options.setLogUri(dir.resolve("log").toString());
        options.setRaftMetaUri(dir.resolve("raft_meta").toString());
        SofaJRaftCounter counter = new SofaJRaftCounter();
        options.setFsm(counter);

        RpcServer rpc = RaftRpcServerFactory.createRaftRpcServer(peer.getEndpoint());
        RaftGroupService service = new RaftGroupService(GROUP, peer, options, rpc);
        services.put(peer, service);
        counters.put(peer, counter);
        Node node = service.start();
        nodes.put(peer, node);
        rpc.registerProcessor(new IncrementProcessor(node));
    }

    /**
     * Sends one command to the leader; completes with the counter's new value, or exceptionally if the group
     * refused it or a node did not answer within 3 s.
     */
    public CompletableFuture<Long> send(byte[] command) {
        CompletableFuture<Long> reply = new CompletableFuture<>();
        attempt(new IncrementRequest(command), reply, 1);
        return reply;
    }

    private void attempt(IncrementRequest request, CompletableFuture<Long> reply, int attempt) {
        Endpoint target = leader;
        try {
            client.invokeAsync(
                    target,
                    request,
                    (result, error) -> {
                        if (error != null) {
                            reply.completeExceptionally(error);
                        } else if (!(result instanceof IncrementReply r)) {
                            reply.completeExceptionally(new IllegalStateException("unexpected reply " + result));
                        } else if (r.isApplied()) {
                            reply.complete(r.value);
                        } else if (r.isNotLeader() && attempt < MAX_ATTEMPTS) {
                            redirect(target, r.leaderHint);
                            Executor when = r.leaderHint.isEmpty() ? NO_LEADER_PAUSE : Runnable::run;
                            when.execute(() -> attempt(request, reply, attempt + 1));
                        } else {
                            reply.completeExceptionally(new IllegalStateException("SOFAJRaft refused a command: "
                                    + (r.isNotLeader() ? "no leader after " + attempt + " attempts" : r.refusal)));
                        }
                    },
                    REQUEST_TIMEOUT_MILLIS);
        } catch (Exception e) { // Bolt throws when the connection is gone; the loop counts it as a failure
            reply.completeExceptionally(e);
        }
    }

    /** After {@code refusedBy} said it is not the leader: its hint, or else the next node in turn. */
    private void redirect(Endpoint refusedBy, String leaderHint) {
        Endpoint next;
        if (!leaderHint.isEmpty()) {
            next = JRaftUtils.getEndPoint(leaderHint);
        } else {
            List<PeerId> peers = conf.getPeers();
            int i = peers.indexOf(new PeerId(refusedBy, 0));
            next = peers.get((i + 1) % peers.size()).getEndpoint();
        }
        if (refusedBy.equals(leader)) {
            leader = next;
        }
    }

    /**
     * Each node's counter value, once every node counts at least {@code acknowledged} (the commands whose replies
     * came back), or as it stands when {@code timeout} has passed: the caller compares. It waits on the counters, not
     * on log indexes: SOFAJRaft runs a command's closure, which answers the client, inside {@code onApply}, before it
     * advances the node's last applied index, so an index read after the last reply can still be short of the last
     * acknowledged command (a follower was then seen one command behind).
     */
    public Map<String, Long> appliedValues(long acknowledged, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counters.values().stream().anyMatch(c -> c.value() < acknowledged) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Map<String, Long> values = new LinkedHashMap<>();
        counters.forEach((peer, counter) -> values.put(peer.toString(), counter.value()));
        return values;
    }

    /**
     * Hands leadership from the current leader to another node and waits until that node leads; the client still
     * believes in the old one. For tests of the client's redirect.
     *
     * @return the new leader
     */
    PeerId moveLeadership() {
        PeerId from = awaitLeader();
        PeerId to = conf.getPeers().stream()
                .filter(p -> !p.equals(from))
                .findFirst()
                .orElseThrow();
        Status moved = nodes.get(from).transferLeadershipTo(to);
        if (!moved.isOk()) {
            throw new IllegalStateException("SOFAJRaft did not start moving leadership: " + moved);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!nodes.get(to).isLeader()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(to + " did not become the leader within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while moving leadership", e);
            }
        }
        return to;
    }

    private PeerId awaitLeader() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<PeerId, Node> e : nodes.entrySet()) {
                if (e.getValue().isLeader()) {
                    return e.getKey();
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a SOFAJRaft leader", e);
            }
        }
        throw new IllegalStateException("no leader among the SOFAJRaft nodes within 30 s");
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdown();
        }
        List<RaftGroupService> started = new ArrayList<>(services.values());
        started.forEach(RaftGroupService::shutdown);
        try {
            for (RaftGroupService service : started) {
                service.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ScratchResources.deleteRecursively(root);
        }
    }

    /** The leader's request handler: logs the command through the node and answers once it is applied. */
    private static final class IncrementProcessor implements RpcProcessor<IncrementRequest> {
        private final Node node;

        IncrementProcessor(Node node) {
            this.node = node;
        }

        @Override
        public void handleRequest(RpcContext rpc, IncrementRequest request) {
            if (request.command == null || request.command.length < Long.BYTES) {
                rpc.sendResponse(IncrementReply.refused("a counter command has at least 8 bytes"));
                return;
            }
            if (!node.isLeader()) {
                rpc.sendResponse(IncrementReply.notLeader(knownLeader()));
                return;
            }
            node.apply(new Task(ByteBuffer.wrap(request.command), new SofaJRaftCounter.Increment() {
                @Override
                void answer(long newValue) {
                    rpc.sendResponse(IncrementReply.applied(newValue));
                }

                @Override
                void refuse(Status status) {
                    rpc.sendResponse(
                            neverLogged(status)
                                    ? IncrementReply.notLeader(knownLeader())
                                    : IncrementReply.refused(status.toString()));
                }
            }));
        }

        /**
         * Whether SOFAJRaft failed the task because the node had stopped leading before it logged it: 1.3.14's
         * {@code NodeImpl.executeApplyingTasks} fails such tasks with exactly this status; a task that was logged
         * and then lost its leader gets "Leader stepped down" instead.
         */
        private static boolean neverLogged(Status status) {
            return status.getRaftError() == RaftError.EPERM && "Is not leader.".equals(status.getErrorMsg());
        }

        private String knownLeader() {
            PeerId leader = node.getLeaderId();
            return leader == null || leader.isEmpty()
                    ? ""
                    : leader.getEndpoint().toString();
        }

        @Override
        public String interest() {
            return IncrementRequest.class.getName();
        }
    }
}

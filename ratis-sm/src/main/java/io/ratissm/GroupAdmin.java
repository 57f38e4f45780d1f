package io.ratissm;

import io.ratissm.internal.Causes;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.Roles;
import io.ratissm.internal.client.RaftClientFactory;
import io.ratissm.internal.client.RetryPause;
import io.ratissm.internal.tls.TlsCredentials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.grpc.GrpcUtil;
import org.apache.ratis.proto.RaftProtos.LogInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operates a running group: its status, leadership transfer, snapshots, and membership changes while it serves;
 * and creates and removes groups on running servers, each of which can serve many groups through one port.
 *
 * <pre>{@code
 * try (GroupAdmin admin = GroupAdmin.connect("n1=10.0.0.1:7001,n2=10.0.0.2:7001,n3=10.0.0.3:7001")) {
 *     admin.transferLeadership("n2", Duration.ofSeconds(10));
 *     admin.addReplica("n4", "10.0.0.4:7001");   // n4 was started first, with join(true)
 *     admin.removeReplica("n1");                  // n1 stops by itself
 * }
 * }</pre>
 *
 * <p>The peers it is given are where it starts looking; every operation first asks the group for its current
 * membership (from the leader's log), so an admin built with an out-of-date list still sees and changes the
 * real one, as long as one replica in its list answers.
 *
 * <p>Membership changes use Raft joint consensus: the group keeps serving throughout, and a change is in force
 * once the call returns. One change at a time: a call made while another is in progress waits for it (up to the
 * timeout). Changing a majority of the members in one step is refused by Ratis, which is why there is no
 * "replace" call: add, then remove.
 *
 * <p>Errors: an unknown replica id or an id that is already a member gives {@link IllegalArgumentException}; a
 * group or replica that does not answer gives {@link UnavailableException}; a change the group refused gives
 * {@link RatisSmException} with the group's reason. Thread-safe; holds no connection between calls.
 */
public final class GroupAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAdmin.class);
    /** Asking one replica for its state must not wait long: a dead replica is part of what status reports. */
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

    private final GroupSpec given;
    private final Duration timeout;
    private final TlsCredentials tls;

    private GroupAdmin(GroupSpec given, Duration timeout, TlsCredentials tls) {
        this.tls = tls;
        this.given = given;
        this.timeout = timeout;
    }

    /** An admin of the group named {@code ratis-sm} with replicas {@code "n1=host:port,n2=host:port,..."}. */
    public static GroupAdmin connect(String peers) {
        return builder().peers(peers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Asks every replica for its state. Never fails for a replica that does not answer: that replica is reported
     * {@linkplain GroupStatus.Member#reachable() unreachable} with the reason.
     *
     * @throws GroupNotFoundException if every replica it was given answered that it serves no group of this name
     */
    public GroupStatus status() {
        Map<String, String> addresses = new LinkedHashMap<>(given.addresses());
        Map<String, Answer> answers = askAll(addresses);
        requireServed(answers);
        Membership membership = Membership.of(answers.values());
        // Members the admin was not told about (added since) are asked too, at the address the group records.
        Map<String, String> others = new LinkedHashMap<>(membership.addresses());
        others.keySet().removeAll(answers.keySet());
        answers.putAll(askAll(others));

        List<GroupStatus.Member> replicas = new ArrayList<>();
        membership
                .addresses()
                .keySet()
                .forEach(id -> replicas.add(answers.get(id).status(true)));
        answers.values().stream().filter(a -> !membership.contains(a.id())).forEach(a -> replicas.add(a.status(false)));
        Optional<String> leader = replicas.stream()
                .filter(r -> r.role() == Role.LEADER)
                .max((a, b) -> Long.compare(a.log().lastTerm(), b.log().lastTerm()))
                .map(GroupStatus.Member::id);
        return new GroupStatus(leader, List.copyOf(membership.addresses().keySet()), replicas);
    }

    /**
     * Makes replica {@code id} the leader, and returns once it is (or it already was).
     *
     * @throws IllegalArgumentException if {@code id} is not a member
     * @throws RatisSmException         if the transfer did not complete within {@code within} (the old leader then
     *                                  stays leader)
     */
    public void transferLeadership(String id, Duration within) {
        Membership m = membership();
        m.require(id, given.name());
        Duration rpc = within.plus(ASK_TIMEOUT);
        RaftClientReply reply;
        try (RaftClient c = client(m.addresses(), rpc, RetryPause.ratisPolicy(rpc))) {
            reply = c.admin().transferLeadership(RaftPeerId.valueOf(id), within.toMillis());
        } catch (IOException | RuntimeException e) {
            throw unavailable("transfer leadership to " + id, e);
        }
        check(reply, "transfer leadership to " + id);
    }

    /**
     * Makes replica {@code id} take a snapshot of its applied state now (and purge its log behind it).
     *
     * @return the log index the snapshot covers
     * @throws IllegalArgumentException if {@code id} is not a member
     */
    public long snapshot(String id) {
        Membership m = membership();
        m.require(id, given.name());
        RaftClientReply reply;
        try (RaftClient c = client(m.addresses(), timeout, RetryPolicies.noRetry())) {
            reply = c.getSnapshotManagementApi(RaftPeerId.valueOf(id)).create(timeout.toMillis());
        } catch (IOException | RuntimeException e) {
            throw unavailable("snapshot on " + id, e);
        }
        check(reply, "snapshot on " + id);
        return reply.getLogIndex();
    }

    /**
     * Adds replica {@code id} at {@code address} ({@code host:port}) to the group, and returns once the group's
     * membership includes it. Start the replica first, with {@link ReplicaServer.Builder#join(boolean) join}: the
     * leader sends it the state before it counts toward the majority. A server that is already running with other
     * groups ({@link #createGroup}) needs no restart: it starts serving this group too, and a replica of the group
     * moves from one server to another with this call and then {@link #removeReplica}.
     *
     * @throws IllegalArgumentException if {@code id} is already a member, the address is a member's, or either is
     *                                  malformed
     * @throws UnavailableException     if the new replica does not answer (it was not started, or not with this
     *                                  group's name)
     */
    public void addReplica(String id, String address) {
        GroupSpec joining = GroupSpec.parse(given.name(), List.of(id + "=" + address));
        Membership m = membership();
        if (m.contains(id)) {
            throw new IllegalArgumentException("replica '" + id + "' is already a member of group " + given.name()
                    + " (members: " + m.addresses().keySet() + ")");
        }
        m.addresses().forEach((member, a) -> {
            if (a.equals(address)) {
                throw new IllegalArgumentException("address " + address + " is member " + member + "'s");
            }
        });
        Answer probe = ask(id, address);
        boolean listening = false;
        if (probe.otherGroup()) {
            // A running server that serves other groups: it starts serving this one as a listener, as a replica
            // started with join does, and receives the state once the group counts it.
            serveAsListener(joining, id, address);
            listening = true;
        } else if (!probe.reachable()) {
            throw new UnavailableException(
                    "replica " + id + " at " + address + " does not answer (" + probe.error()
                            + "); start it first, with join=true and group=" + given.name(),
                    null);
        }
        Map<String, String> all = new LinkedHashMap<>(m.addresses());
        all.put(id, address);
        try {
            reconfigure(
                    all,
                    SetConfigurationRequest.Arguments.newBuilder()
                            .setServersInNewConf(List.of(joining.raftPeer(id)))
                            .setMode(SetConfigurationRequest.Mode.ADD)
                            .build(),
                    "add " + id);
        } catch (RuntimeException e) {
            if (listening) {
                withdrawListener(id, address, e);
            }
            throw e;
        }
    }

    /**
     * The membership change that was to count a server this call made serve the group failed: unless the group
     * counts it after all, the server stops serving it (and deletes what it received), so that it is not left
     * serving a group it is no member of.
     */
    private void withdrawListener(String id, String address, RuntimeException failure) {
        try {
            if (membership().contains(id)) {
                return; // the change went through after all
            }
            try (RaftClient c = client(Map.of(id, address), ASK_TIMEOUT, RetryPolicies.noRetry())) {
                c.getGroupManagementApi(RaftPeerId.valueOf(id)).remove(given.groupId(), true, false);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(new RatisSmException(
                    "server " + id + " was told to stop serving group " + given.name() + ", which it is no member of,"
                            + " and did not answer: it may still serve it as a listener",
                    e));
        }
    }

    /**
     * Moves the group's replica on {@code from} to server {@code toId} at {@code toAddress}, while the group serves:
     * adds the new replica (it receives the state first, as in {@link #addReplica}), hands the leadership to another
     * member if {@code from} leads, then removes {@code from} ({@link #removeReplica}). The group has one member more
     * for the time of the move, never fewer; its clients see at most a leader change. The server at {@code toAddress} is a running
     * {@link ReplicaServer} (serving other groups, or started with {@link ReplicaServer.Builder#join join}).
     *
     * <p>If it fails part way, the group is left with a valid membership: after the add, with one member more (run
     * {@link #removeReplica} on either to finish or undo).
     *
     * @throws IllegalArgumentException if {@code from} is not a member, or {@code toId} already is
     * @throws UnavailableException     if the new server does not answer (nothing changed then)
     */
    public void moveReplica(String from, String toId, String toAddress) {
        Membership m = membership();
        m.require(from, given.name());
        if (m.contains(toId)) {
            throw new IllegalArgumentException("replica '" + toId + "' is already a member of group " + given.name()
                    + " (members: " + m.addresses().keySet() + ")");
        }
        addReplica(toId, toAddress);
        Membership now = membership();
        if (now.leader().equals(Optional.of(from))) {
            // A leader that removes itself leaves the group without a leader for an election timeout: hand it over.
            String next = now.addresses().keySet().stream()
                    .filter(id -> !id.equals(from) && !id.equals(toId))
                    .findFirst()
                    .orElse(toId);
            transferLeadership(next, timeout);
        }
        removeReplica(from);
        LOG.info("moved group {}'s replica from {} to {}", given.name(), from, toId);
    }

    /** Makes the running server {@code id} serve the group as a listener (no vote) before it is added. */
    private void serveAsListener(GroupSpec joining, String id, String address) {
        try (RaftClient c = client(Map.of(id, address), timeout, RetryPolicies.noRetry())) {
            RaftClientReply reply =
                    c.getGroupManagementApi(RaftPeerId.valueOf(id)).add(joining.joiningRaftGroup(id), true);
            check(reply, "add " + id);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RatisSmException r) {
                throw r;
            }
            if (!(Causes.root(e) instanceof AlreadyExistsException)) {
                throw unavailable("add " + id, e);
            }
        }
    }

    /**
     * Removes replica {@code id} from the group, and returns once the group's membership excludes it. The removed
     * replica then stops (its storage is kept; delete it by hand). If it cannot be reached, it is removed all the
     * same and must be stopped by hand.
     *
     * @throws IllegalArgumentException if {@code id} is not a member, or is the last one
     */
    public void removeReplica(String id) {
        Membership m = membership();
        m.require(id, given.name());
        if (m.addresses().size() == 1) {
            throw new IllegalArgumentException(
                    "replica '" + id + "' is the last member of group " + given.name() + "; a group cannot be empty");
        }
        List<RaftPeer> current = m.peers();
        List<RaftPeer> next =
                current.stream().filter(p -> !p.getId().toString().equals(id)).toList();
        reconfigure(
                m.addresses(),
                SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInCurrentConf(current)
                        .setServersInNewConf(next)
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                        .build(),
                "remove " + id);
        if (!m.leader().equals(Optional.of(id))) {
            tellToLeave(id, m.addresses().get(id));
        }
    }

    /**
     * Creates this admin's group on the servers it was given, which become its first members, and returns once the
     * group has elected a leader. Each server is a running {@link ReplicaServer} and already serves a group of its
     * own (the one it was built with); it serves the new one beside it, through the same port, with the state
     * machine, replication mode and settings it was built with. Clients reach the new group by its name and the same
     * peers ({@link ReplicaClient.Builder#group}).
     *
     * <p>Every server is asked first; if one does not answer, nothing is created. A server that already serves the
     * group is left as it is, so a creation that failed half way can simply be run again.
     *
     * @throws UnavailableException if a server does not answer, or no leader was elected within the timeout
     * @throws RatisSmException     if a server refused to create the group (the message says which servers serve it
     *                              now)
     */
    public void createGroup() {
        Map<String, Answer> answers = askAll(given.addresses());
        List<String> down = answers.values().stream()
                .filter(a -> !a.reachable() && !a.otherGroup())
                .map(a -> a.id() + " at " + a.address() + " (" + a.error() + ")")
                .toList();
        if (!down.isEmpty()) {
            throw new UnavailableException(
                    "create group " + given.name() + ": nothing was created, because these servers do not answer: "
                            + String.join(", ", down),
                    null);
        }
        List<String> serving = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (Answer a : answers.values()) {
            if (a.reachable()) {
                serving.add(a.id()); // already serves it
                continue;
            }
            try (RaftClient c = client(Map.of(a.id(), a.address()), timeout, RetryPolicies.noRetry())) {
                RaftClientReply reply =
                        c.getGroupManagementApi(RaftPeerId.valueOf(a.id())).add(given.raftGroup(), true);
                if (reply.isSuccess()) {
                    serving.add(a.id());
                } else {
                    failed.put(a.id(), describe(reply.getException()));
                }
            } catch (IOException | RuntimeException e) {
                if (Causes.root(e) instanceof AlreadyExistsException) {
                    serving.add(a.id());
                } else {
                    failed.put(a.id(), describe(e));
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new RatisSmException(
                    "create group " + given.name() + " failed on " + failed + "; it is served now by " + serving
                            + " (run it again to finish, or remove the group)",
                    null);
        }
        LOG.info("created group {} on {}", given.name(), serving);
        awaitLeader("create group " + given.name());
    }

    /**
     * Removes this admin's group from every server that serves it, and deletes its log and snapshots there: its
     * state is gone for good. The servers go on serving their other groups; a server built with this group as its
     * first group stops, as a removed replica does. Servers that do not answer keep the group: the call then fails
     * and names them, and can be run again once they are back.
     *
     * @throws GroupNotFoundException if no server it was given serves the group
     * @throws UnavailableException   if some members did not answer (the message names them)
     */
    public void removeGroup() {
        Map<String, Answer> answers = askAll(given.addresses());
        requireServed(answers);
        Map<String, String> members = new LinkedHashMap<>(given.addresses());
        members.putAll(Membership.of(answers.values()).addresses());
        Map<String, String> failed = new LinkedHashMap<>();
        members.forEach((id, address) -> {
            try (RaftClient c = client(Map.of(id, address), timeout, RetryPolicies.noRetry())) {
                RaftClientReply reply =
                        c.getGroupManagementApi(RaftPeerId.valueOf(id)).remove(given.groupId(), true, false);
                if (!reply.isSuccess() && !(reply.getException() instanceof GroupMismatchException)) {
                    failed.put(id, describe(reply.getException()));
                }
            } catch (IOException | RuntimeException e) {
                if (!(Causes.root(unpacked(e)) instanceof GroupMismatchException)) {
                    failed.put(id, describe(e));
                }
            }
        });
        if (!failed.isEmpty()) {
            throw new UnavailableException(
                    "remove group " + given.name() + ": these servers may still serve it: " + failed
                            + "; run it again once they answer",
                    null);
        }
        LOG.info("removed group {} from {}", given.name(), members.keySet());
    }

    /** Waits until a member of the group reports itself leader, within the timeout. */
    private void awaitLeader(String what) {
        RetryPause retry = RetryPause.until(timeout);
        while (true) {
            Map<String, Answer> answers = askAll(given.addresses());
            if (answers.values().stream()
                    .anyMatch(a -> a.reachable()
                            && a.reply().getRoleInfoProto().getRole()
                                    == org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER)) {
                return;
            }
            if (!pause(retry, what)) {
                throw new UnavailableException(
                        what + ": no leader was elected within " + timeout.toSeconds() + " s", null);
            }
        }
    }

    /** Nothing to release: every call opens and closes its own connections. For try-with-resources. */
    @Override
    public void close() {}

    /**
     * A removed leader stops by itself once the new membership commits (so it is not asked); a removed follower is
     * never told by the group (the leader just stops sending to it) and would keep campaigning in vain, so it is
     * asked to drop the group, which stops its {@link ReplicaServer}.
     */
    private void tellToLeave(String id, String address) {
        try (RaftClient c = client(Map.of(id, address), ASK_TIMEOUT, RetryPolicies.noRetry())) {
            RaftClientReply reply =
                    c.getGroupManagementApi(RaftPeerId.valueOf(id)).remove(given.groupId(), false, false);
            if (!reply.isSuccess() && !(reply.getException() instanceof GroupMismatchException)) {
                LOG.warn(
                        "replica {} was removed from group {} but did not stop: {}; stop it by hand",
                        id,
                        given.name(),
                        reply.getException().getMessage());
            }
        } catch (IOException | RuntimeException e) {
            // The replica obeys by shutting down, which may cut this very call: only a replica that still serves
            // the group afterwards was not told.
            if (!(Causes.root(e) instanceof GroupMismatchException) && stillServes(id, address)) {
                LOG.warn(
                        "replica {} was removed from group {} but could not be told to stop ({}); stop it by hand",
                        id,
                        given.name(),
                        e.toString());
            }
        }
    }

    private boolean stillServes(String id, String address) {
        RetryPause retry = RetryPause.until(ASK_TIMEOUT);
        try {
            while (ask(id, address).reachable()) {
                if (!retry.pause()) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Sends a membership change, waiting out a change still in progress, until the timeout. */
    private void reconfigure(Map<String, String> addresses, SetConfigurationRequest.Arguments change, String what) {
        RetryPause retry = RetryPause.until(timeout);
        while (true) {
            RaftClientReply reply;
            try (RaftClient c = client(addresses, timeout, RetryPause.ratisPolicy(timeout))) {
                reply = c.admin().setConfiguration(change);
            } catch (IOException | RuntimeException e) {
                if (Causes.root(e) instanceof ReconfigurationInProgressException && pause(retry, what)) {
                    continue;
                }
                throw unavailable(what, e);
            }
            if (reply.getException() instanceof ReconfigurationInProgressException && pause(retry, what)) {
                continue;
            }
            check(reply, what);
            return;
        }
    }

    /** Waits before trying again; false once the deadline passed. */
    private boolean pause(RetryPause retry, String what) {
        try {
            return retry.pause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(what + ": interrupted while waiting for a change in progress", e);
        }
    }

    /** The current membership, from the leader if it answers. */
    private Membership membership() {
        Map<String, Answer> answers = askAll(given.addresses());
        requireServed(answers);
        Membership m = Membership.of(answers.values());
        if (m.addresses().isEmpty()) {
            throw new UnavailableException(
                    "no replica of group " + given.name() + " answered at "
                            + given.addresses().values(),
                    null);
        }
        return m;
    }

    /** Every replica asked answered that it serves no group of that name: a wrong name or wrong addresses. */
    private void requireServed(Map<String, Answer> answers) {
        if (answers.values().stream().allMatch(Answer::otherGroup)) {
            throw new GroupNotFoundException(
                    "the replicas at " + given.addresses().values() + " do not serve a group" + " named '"
                            + given.name() + "'; check the group name and the addresses",
                    null);
        }
    }

    private Map<String, Answer> askAll(Map<String, String> addresses) {
        Map<String, Answer> answers = new LinkedHashMap<>();
        addresses.forEach((id, address) -> answers.put(id, ask(id, address)));
        return answers;
    }

    private Answer ask(String id, String address) {
        try (RaftClient c = client(Map.of(id, address), ASK_TIMEOUT, RetryPolicies.noRetry())) {
            GroupInfoReply reply =
                    c.getGroupManagementApi(RaftPeerId.valueOf(id)).info(given.groupId());
            if (!reply.isSuccess()) {
                return failed(id, address, reply.getException());
            }
            return new Answer(id, address, reply, "", false);
        } catch (IOException | RuntimeException e) {
            return failed(id, address, e);
        }
    }

    private Answer failed(String id, String address, Throwable failure) {
        return new Answer(
                id, address, null, describe(failure), Causes.root(unpacked(failure)) instanceof GroupMismatchException);
    }

    private String describe(Throwable t) {
        Throwable root = Causes.root(unpacked(t));
        if (root instanceof GroupMismatchException) {
            return "does not serve group " + given.name();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * Ratis's client hands a failed group-info request over as gRPC's exception, with the server's exception (a
     * group mismatch) packed in its trailers, unlike its other requests.
     */
    private static Throwable unpacked(Throwable t) {
        return t instanceof StatusRuntimeException s ? GrpcUtil.unwrapThrowable(s) : t;
    }

    private RaftClient client(Map<String, String> addresses, Duration rpcTimeout, RetryPolicy retry) {
        return new RaftClientFactory(rpcTimeout, retry, tls).newRaftClient(given.groupId(), addresses);
    }

    private static void check(RaftClientReply reply, String what) {
        if (!reply.isSuccess()) {
            Throwable e = reply.getException();
            throw new RatisSmException(what + " failed: " + (e == null ? "refused" : e.getMessage()), e);
        }
    }

    private UnavailableException unavailable(String what, Exception e) {
        return new UnavailableException(what + ": group " + given.name() + " did not answer (" + describe(e) + ")", e);
    }

    /** One replica's answer to "what is your state", or why there was none. */
    /** @param otherGroup the replica answered that it serves no group of the name given */
    private record Answer(String id, String address, GroupInfoReply reply, String error, boolean otherGroup) {
        boolean reachable() {
            return reply != null;
        }

        GroupStatus.Member status(boolean member) {
            if (reply == null) {
                return GroupStatus.Member.unreachable(id, address, member, error);
            }
            RoleInfoProto role = reply.getRoleInfoProto();
            LogInfoProto log = reply.getLogInfoProto();
            Optional<String> leader = switch (role.getRole()) {
                case LEADER -> Optional.of(id);
                case FOLLOWER, LISTENER ->
                    Optional.of(role.getFollowerInfo()
                                    .getLeaderInfo()
                                    .getId()
                                    .getId()
                                    .toStringUtf8())
                            .filter(s -> !s.isEmpty());
                default -> Optional.empty();
            };
            return new GroupStatus.Member(
                    id,
                    address,
                    true,
                    member,
                    Roles.of(role.getRole()),
                    leader,
                    new LogStats(
                            log.hasLastEntry() ? log.getLastEntry().getTerm() : 0,
                            log.hasLastEntry() ? log.getLastEntry().getIndex() : -1,
                            log.hasCommitted() ? log.getCommitted().getIndex() : -1,
                            log.hasApplied() ? log.getApplied().getIndex() : -1,
                            log.hasLastSnapshot() ? log.getLastSnapshot().getIndex() : -1),
                    "");
        }
    }

    /** The group's membership as one replica's log records it: the leader's if it answered, else any answer's. */
    private record Membership(List<RaftPeer> peers, Optional<String> leader) {
        static Membership of(Iterable<Answer> answers) {
            RaftConfigurationProto chosen = null;
            String leaderId = null;
            for (Answer a : answers) {
                if (a.reply() == null
                        || a.reply().getConf().isEmpty()
                        || a.reply().getConf().get().getPeersCount() == 0) {
                    continue;
                }
                boolean leader =
                        a.reply().getRoleInfoProto().getRole() == org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER;
                if (chosen == null || leader) {
                    chosen = a.reply().getConf().get();
                }
                if (leader) {
                    leaderId = a.id();
                    break;
                }
            }
            return new Membership(
                    chosen == null ? List.of() : ProtoUtils.toRaftPeers(chosen.getPeersList()),
                    Optional.ofNullable(leaderId));
        }

        Map<String, String> addresses() {
            Map<String, String> m = new LinkedHashMap<>();
            peers.forEach(p -> m.put(p.getId().toString(), p.getAddress()));
            return m;
        }

        boolean contains(String id) {
            return addresses().containsKey(id);
        }

        void require(String id, String group) {
            if (!contains(id)) {
                throw new IllegalArgumentException("unknown replica '" + id + "': the members of group " + group
                        + " are " + addresses().keySet());
            }
        }
    }

    /** Builds a {@link GroupAdmin}. Required: {@link #peers}. */
    public static final class Builder {
        private final List<String> peers = new ArrayList<>();
        private String groupName = GroupSpec.DEFAULT_NAME;
        private Duration timeout = Duration.ofSeconds(30);
        private Tls tls;

        private Builder() {}

        /** Mutual TLS, for a group whose replicas run with TLS: a certificate they trust (default: plaintext). */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /** Replicas to reach the group through, {@code id=host:port}; at least one of them must answer. */
        public Builder peers(String... peers) {
            this.peers.addAll(List.of(peers));
            return this;
        }

        public Builder peers(List<String> peers) {
            this.peers.addAll(peers);
            return this;
        }

        /** The group's name, as given to its servers (default {@code ratis-sm}). */
        public Builder group(String name) {
            this.groupName = name;
            return this;
        }

        /**
         * How long a membership change or snapshot may take, including waiting for a change in progress
         * (default 30 s). A new replica with a large state needs it to receive the state.
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** @throws IllegalArgumentException if the peers are missing or malformed */
        public GroupAdmin build() {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            return new GroupAdmin(GroupSpec.parse(groupName, peers), timeout, tls == null ? null : tls.credentials());
        }
    }
}

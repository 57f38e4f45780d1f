package io.ratissm;

import io.ratissm.internal.Causes;
import io.ratissm.internal.GroupSpec;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;

/**
 * The group did not answer in time: no leader could be reached, a majority is down, or the request timed
 * out; or the client was closed first. For a command that was sent the outcome is <em>unknown</em>: it may have
 * been applied or not. A command that was still queued in the client (the message says "never sent") was dropped
 * and not applied. Retrying through the same {@link ReplicaClient} call is safe (the client does so itself until
 * its timeout); a new call is a new command.
 *
 * <p>Some answers show that the client was set up wrong rather than that the group is down; {@link #definiteCause}
 * tells them apart.
 */
public class UnavailableException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The definite failure behind this one, when the last answer of a replica shows that the client's settings do
     * not match the group, so that retrying with them cannot succeed:
     * <ul>
     *   <li>{@link ReplicaMisaddressedException}: the group's own membership, as a replica reported it, gives an id
     *       of {@code peers} another address, and that address to another replica; the client kept asking that
     *       other replica, which named the leader by the id the client had at its address. Definite.</li>
     *   <li>{@link GroupNotFoundException}: the replica that answered last serves no group of that name. That is
     *       definite for that replica only: a replica removed from the group answers so too. When {@code peers} lists
     *       more than one replica, {@link GroupAdmin#status()} tells whether any of them serves the group (it throws
     *       {@link GroupNotFoundException} if none does).</li>
     * </ul>
     * A command that failed so was not applied by the replicas that answered so.
     *
     * @param group the group name the client was given
     * @param peers the replicas the client was given, {@code id=host:port,...}
     * @return empty if the group simply did not answer
     */
    public Optional<RatisSmException> definiteCause(String group, String peers) {
        GroupSpec given = GroupSpec.parse(group, List.of(peers));
        for (Throwable c : Causes.chain(getCause())) {
            if (c instanceof GroupMismatchException) {
                return Optional.of(new GroupNotFoundException(
                        "the replica that answered does not serve a group" + " named '" + group + "' (" + c.getMessage()
                                + "); check the group name and the addresses",
                        this));
            }
            if (c instanceof NotLeaderException notLeader && notLeader.getSuggestedLeader() != null) {
                RaftPeer leader = notLeader.getSuggestedLeader();
                String id = leader.getId().toString();
                String address = given.addresses().get(id);
                Optional<RaftPeer> there = notLeader.getPeers().stream()
                        .filter(p ->
                                p.getAddress().equals(address) && !p.getId().equals(leader.getId()))
                        .findFirst();
                if (address != null && !address.equals(leader.getAddress()) && there.isPresent()) {
                    return Optional.of(new ReplicaMisaddressedException(
                            "replica " + id + " is given the address "
                                    + address + ", but the group has " + id + " at " + leader.getAddress() + " and "
                                    + there.get().getId() + " at " + address + "; give each replica id its own address",
                            this));
                }
            }
        }
        return Optional.empty();
    }
}

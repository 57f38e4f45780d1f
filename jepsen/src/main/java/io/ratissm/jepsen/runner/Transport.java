package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;

/**
 * Where a client's requests go: the replicated group ({@link Reader}) or one state machine in this JVM
 * ({@link InProcessStateMachine}), so that a workload's ops run by the same rules on both ({@link ClientWorker}).
 */
interface Transport {
    /** Sends a command and returns the reply. */
    ByteString submit(ByteString command) throws CommandRejected;

    /** Sends a query and returns the reply. */
    ByteString query(ByteString query) throws CommandRejected;
}

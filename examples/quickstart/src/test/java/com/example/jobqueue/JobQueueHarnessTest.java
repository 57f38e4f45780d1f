package com.example.jobqueue;

import com.example.jobqueue.proto.JobCommand;
import com.example.jobqueue.proto.JobQuery;
import io.ratissm.Replication;
import io.ratissm.jepsen.junit.LinearizabilityTest;
import io.ratissm.jepsen.workload.OperationGenerator;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The job queue on three replica processes (`ratis-sm server`, this project's test classpath) under kills and
 * network partitions, its history checked with the queue itself as the model. About 20 s of load.
 */
class JobQueueHarnessTest {

    @Test
    void theQueueIsLinearizableUnderKillsAndPartitions() throws Exception {
        LinearizabilityTest.of(JobQueue.class)
                .generator(new JobQueueOperations())
                .replication(Replication.PASSIVE)
                .nemesis(faults())
                .clients(4)
                .timeLimit(Duration.ofSeconds(20))
                .seed(7)
                .run()
                .assertLinearizable(); // on failure: the first op that cannot be linearized, and the store path
    }

    /** Kills and partitions; partitions need root (each replica in its own network namespace), kills do not. */
    private static String[] faults() {
        return LinearizabilityTest.whyUnavailable("partition").isEmpty()
                ? new String[] {"kill", "partition"}
                : new String[] {"kill"};
    }

    /**
     * What the clients send: enqueues of jobs never sent before, dequeues, and reads. An enqueue's ticket orders
     * concurrent enqueues for the checker at once; the length alone would not (two enqueues answering the same length
     * around a dequeue could have taken effect in either order, which shows only when their jobs leave the queue, and
     * each such pair doubles the states the checker follows until then). As many dequeues as enqueues keep the
     * queue short.
     */
    private static final class JobQueueOperations implements OperationGenerator {
        private long jobs;

        @Override
        public Request next(Random random) {
            int dice = random.nextInt(10);
            if (dice < 4) {
                JobCommand enqueue = JobQueue.enqueue("job-" + ++jobs);
                return Request.command("enqueue", enqueue);
            }
            if (dice < 8) {
                return Request.command("dequeue", JobQueue.dequeue());
            }
            JobQuery query = dice == 8 ? JobQueue.peek() : JobQueue.size();
            return Request.query(dice == 8 ? "peek" : "size", query);
        }
    }
}

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
                // 2 clients: with 4, on a quiet machine, 20 s (4,985 ops) and 12 s (2,396 ops, none crashed) gave
                // histories the checker could not decide (unknown, out of memory or time after 1-2 million
                // configurations); not yet understood, see the session note of 2026-12-02.
                .clients(2)
                .timeLimit(Duration.ofSeconds(12))
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
     * What the clients send: enqueues of jobs never sent before, dequeues, and reads. Replies carry the queue's
     * length, which orders concurrent commands for the checker at once; as many dequeues as enqueues keep the queue
     * short, and so the check quick.
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

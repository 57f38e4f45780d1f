package com.example.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.jobqueue.proto.JobReply;
import io.ratissm.CommandRejected;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The job queue alone, and replicated on three replicas in both modes through a leader stop. */
class JobQueueTest {

    @Test
    void jobsLeaveInTheOrderTheyCameAndASnapshotKeepsTheRest() throws Exception {
        JobQueue queue = new JobQueue();
        assertThat(JobReply.parseFrom(queue.apply(JobQueue.enqueue("a").toByteString())).getTicket())
                .isEqualTo(1);
        queue.apply(JobQueue.enqueue("b").toByteString());
        queue.apply(JobQueue.enqueue("c").toByteString());
        JobReply first = JobReply.parseFrom(queue.apply(JobQueue.dequeue().toByteString()));
        assertThat(first.getJob()).isEqualTo("a");
        assertThat(first.getSize()).isEqualTo(2);

        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        queue.writeSnapshot(snapshot);
        JobQueue restored = new JobQueue();
        restored.readSnapshot(new ByteArrayInputStream(snapshot.toByteArray()));

        JobReply head = JobReply.parseFrom(restored.query(JobQueue.peek().toByteString()));
        assertThat(head.getJob()).isEqualTo("b");
        assertThat(head.getSize()).isEqualTo(2);
        JobReply next = JobReply.parseFrom(restored.apply(JobQueue.enqueue("d").toByteString()));
        assertThat(next.getTicket()).as("tickets go on after a snapshot").isEqualTo(4);
    }

    @Test
    void dequeueOfAnEmptyQueueHasNoJobAndAnEmptyJobIsRefused() throws Exception {
        JobQueue queue = new JobQueue();
        JobReply none = JobReply.parseFrom(queue.apply(JobQueue.dequeue().toByteString()));
        assertThat(none.hasJob()).isFalse();
        assertThat(none.getSize()).isZero();

        assertThatThrownBy(() -> queue.validate(JobQueue.enqueue("").toByteString()))
                .isInstanceOf(CommandRejected.class)
                .hasMessageContaining("enqueue needs a job");
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void everyReplicaEndsWithTheSameQueueAfterTheLeaderStops(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(JobQueue::new)
                        .replication(mode)
                        .configure(replica -> replica.snapshotEvery(10)) // some state comes back from snapshots
                        .start();
                ReplicaClient client = cluster.newClient()) {
            for (int i = 1; i <= 20; i++) {
                client.submit(JobQueue.enqueue("job-" + i), JobReply.parser());
            }
            assertThat(client.submit(JobQueue.dequeue(), JobReply.parser()).getJob())
                    .isEqualTo("job-1");

            String oldLeader = cluster.awaitLeader();
            cluster.kill(oldLeader);
            for (int i = 21; i <= 30; i++) {
                client.submit(JobQueue.enqueue("job-" + i), JobReply.parser());
            }
            assertThat(client.submit(JobQueue.dequeue(), JobReply.parser()).getJob())
                    .isEqualTo("job-2");
            cluster.restart(oldLeader);
            cluster.awaitCaughtUp(Duration.ofSeconds(30));

            for (String id : cluster.ids()) {
                JobReply head = client.queryStale(JobQueue.peek(), id, JobReply.parser());
                assertThat(head.getJob()).as("head on %s", id).isEqualTo("job-3");
                assertThat(head.getSize()).as("size on %s", id).isEqualTo(28);
            }
            for (int i = 3; i <= 30; i++) {
                assertThat(client.submit(JobQueue.dequeue(), JobReply.parser()).getJob())
                        .isEqualTo("job-" + i);
            }
            assertThat(client.query(JobQueue.size(), JobReply.parser()).getSize())
                    .isZero();
        }
    }
}

package com.example.jobqueue;

import com.example.jobqueue.proto.Dequeue;
import com.example.jobqueue.proto.Enqueue;
import com.example.jobqueue.proto.JobCommand;
import com.example.jobqueue.proto.JobQuery;
import com.example.jobqueue.proto.JobReply;
import com.example.jobqueue.proto.JobUpdate;
import com.example.jobqueue.proto.Peek;
import com.example.jobqueue.proto.QueueSnapshot;
import com.example.jobqueue.proto.Size;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoEffectStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A FIFO queue of jobs, replicated: {@code enqueue} adds a job at the tail and answers with its ticket (1 for the
 * first job ever enqueued, then 2, 3, ...), {@code dequeue} takes the head job; {@code peek} reads the head job and
 * {@code size} the length. Every reply is a {@link JobReply}: the ticket or the head job, if the command or query is
 * about one, and the length after the command. In PASSIVE mode the leader logs each command's change
 * ({@link JobUpdate}) rather than the whole queue.
 */
public final class JobQueue extends ProtoEffectStateMachine<JobCommand, JobQuery, JobUpdate> {
    private final ArrayDeque<String> jobs = new ArrayDeque<>();
    private long tickets; // jobs ever enqueued: the last ticket handed out

    /** An empty queue; the servers create it by this constructor. */
    public JobQueue() {
        super(JobCommand.parser(), JobQuery.parser(), JobUpdate.parser());
    }

    /** The command that adds {@code job} at the tail. */
    public static JobCommand enqueue(String job) {
        return JobCommand.newBuilder()
                .setEnqueue(Enqueue.newBuilder().setJob(job))
                .build();
    }

    /** The command that takes the head job. */
    public static JobCommand dequeue() {
        return JobCommand.newBuilder().setDequeue(Dequeue.getDefaultInstance()).build();
    }

    /** The query that reads the head job. */
    public static JobQuery peek() {
        return JobQuery.newBuilder().setPeek(Peek.getDefaultInstance()).build();
    }

    /** The query that reads the length. */
    public static JobQuery size() {
        return JobQuery.newBuilder().setSize(Size.getDefaultInstance()).build();
    }

    // Declared so that the group advertises them: 'ratis-sm client call' and 'client query' then print replies in
    // Protobuf text format.
    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(JobReply.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(JobReply.getDescriptor());
    }

    // Runs on the leader before the command is logged: a refused command never reaches the log.
    @Override
    protected void validate(JobCommand command) throws CommandRejected {
        switch (command.getOpCase()) {
            case ENQUEUE -> {
                if (command.getEnqueue().getJob().isEmpty()) {
                    throw new CommandRejected("enqueue needs a job: enqueue { job: \"...\" }");
                }
            }
            case DEQUEUE -> {}
            case OP_NOT_SET -> throw new MalformedCommand("a job queue command sets enqueue or dequeue");
        }
    }

    @Override
    protected Effect<JobUpdate> execute(JobCommand command) {
        JobUpdate.Builder change = JobUpdate.newBuilder();
        JobReply.Builder reply = JobReply.newBuilder();
        if (command.hasEnqueue()) {
            change.setAdded(command.getEnqueue().getJob());
        } else if (!jobs.isEmpty()) {
            reply.setJob(jobs.peekFirst());
            change.setRemoved(true);
        }
        JobUpdate update = change.build();
        applyUpdate(update);
        if (command.hasEnqueue()) {
            reply.setTicket(tickets);
        }
        return new Effect<>(reply.setSize(jobs.size()).build(), update);
    }

    @Override
    protected void applyUpdate(JobUpdate update) {
        switch (update.getChangeCase()) {
            case ADDED -> {
                jobs.addLast(update.getAdded());
                tickets++;
            }
            case REMOVED -> jobs.removeFirst();
            case CHANGE_NOT_SET -> {} // a dequeue of an empty queue changes nothing
        }
    }

    @Override
    protected Message query(JobQuery query) throws CommandRejected {
        JobReply.Builder reply = JobReply.newBuilder().setSize(jobs.size());
        switch (query.getOpCase()) {
            case PEEK -> {
                if (!jobs.isEmpty()) {
                    reply.setJob(jobs.peekFirst());
                }
            }
            case SIZE -> {}
            case OP_NOT_SET -> throw new MalformedCommand("a job queue query sets peek or size");
        }
        return reply.build();
    }

    // One length-delimited message: an empty stream reads as null (refused below), a cut one fails to parse.
    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        QueueSnapshot.newBuilder().addAllJobs(jobs).setTickets(tickets).build().writeDelimitedTo(out);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        QueueSnapshot snapshot = QueueSnapshot.parseDelimitedFrom(in);
        if (snapshot == null) {
            throw new IOException("the snapshot is empty: it holds no job queue");
        }
        jobs.clear();
        jobs.addAll(snapshot.getJobsList());
        tickets = snapshot.getTickets();
    }
}

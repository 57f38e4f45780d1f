package io.ratissm;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.test.jobs.Job;
import io.ratissm.test.jobs.JobCommand;
import io.ratissm.test.jobs.JobQuery;
import io.ratissm.test.jobs.JobReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The FIFO job queue a new user wrote (issue 14), as a {@link ProtoStateMachine} of the tests' own messages: a
 * {@code size} query's bytes parse as a {@code dequeue} command. Public, so that a configuration can name it.
 */
public final class JobQueue extends ProtoStateMachine<JobCommand, JobQuery> {
    private final Deque<Job> jobs = new ArrayDeque<>();

    public JobQueue() {
        super(JobCommand.parser(), JobQuery.parser());
    }

    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(JobReply.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(JobReply.getDescriptor());
    }

    @Override
    protected Message apply(JobCommand command) throws CommandRejected {
        switch (command.getOpCase()) {
            case ENQUEUE -> {
                jobs.addLast(command.getEnqueue());
                return JobReply.newBuilder().setSize(jobs.size()).build();
            }
            case DEQUEUE -> {
                if (jobs.isEmpty()) {
                    throw new CommandRejected("the queue is empty");
                }
                return JobReply.newBuilder()
                        .setJob(jobs.removeFirst())
                        .setSize(jobs.size())
                        .build();
            }
            default -> throw new MalformedCommand("a job command needs an op");
        }
    }

    @Override
    protected Message query(JobQuery query) throws CommandRejected {
        return switch (query.getOpCase()) {
            case PEEK ->
                jobs.isEmpty()
                        ? JobReply.getDefaultInstance()
                        : JobReply.newBuilder().setJob(jobs.peekFirst()).build();
            case SIZE -> JobReply.newBuilder().setSize(jobs.size()).build();
            default -> throw new MalformedCommand("a job query needs an op");
        };
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        for (Job job : jobs) {
            job.writeDelimitedTo(out);
        }
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        for (Job job = Job.parseDelimitedFrom(in); job != null; job = Job.parseDelimitedFrom(in)) {
            jobs.addLast(job);
        }
    }
}

package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.CommandRejected;
import io.ratissm.ConnectionRefusedException;
import io.ratissm.FailStoppedException;
import io.ratissm.GroupNotFoundException;
import io.ratissm.QueueFullException;
import io.ratissm.StateMachine;
import io.ratissm.UnavailableException;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.Workload;
import io.ratissm.jepsen.workload.WorkloadCheck;
import io.ratissm.shard.WrongShardException;
import io.ratissm.statemachines.KvStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jepsen's client rules, on a scripted workload: what becomes :ok, :fail and :info, and when a process is replaced. */
class ClientWorkerTest {
    private static final Invocation WRITE = new Invocation("write", 1L, false);
    private static final Invocation READ = new Invocation("read", null, true);

    private final ExecutorService calls = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        calls.shutdownNow();
    }

    /** A workload of writes and reads of plain bytes, by the default rules. */
    private static class Plain implements Workload {
        @Override
        public String name() {
            return "plain";
        }

        @Override
        public Class<? extends StateMachine> stateMachine() {
            return KvStore.class;
        }

        @Override
        public Invocation next(Random random) {
            return WRITE;
        }

        @Override
        public ByteString request(Invocation op) {
            return ByteString.copyFromUtf8(op.f());
        }

        @Override
        public Completion completion(Invocation op, ByteString reply) throws IOException {
            return Completion.ok(op.value());
        }

        @Override
        public WorkloadCheck check(History history, Path storeDir) {
            throw new UnsupportedOperationException();
        }
    }

    /** A group whose every request behaves as {@code outcome} says. */
    private Transport scripted(String outcome) {
        return new Transport() {
            @Override
            public ByteString submit(ByteString command) throws CommandRejected {
                return answer();
            }

            @Override
            public ByteString query(ByteString query) throws CommandRejected {
                return answer();
            }

            private ByteString answer() throws CommandRejected {
                switch (outcome) {
                    case "hang":
                        try {
                            never.await(); // a client stuck on a frozen replica
                        } catch (InterruptedException e) {
                            throw new UnavailableException("interrupted", e);
                        }
                        throw new AssertionError("unreachable");
                    case "rejected":
                        throw new CommandRejected("insufficient funds");
                    case "unavailable":
                        throw new UnavailableException("no answer", null);
                    case "refused":
                        throw new ConnectionRefusedException(
                                "every replica refused the connection; the command was never sent",
                                List.of("127.0.0.1:1"),
                                null);
                    case "queue-full":
                        throw new QueueFullException("the client's queue is full; definitely not sent");
                    case "fail-stopped-before-log":
                        throw new FailStoppedException("fail-stopped; refused before the log", false, -1, null);
                    case "fail-stopped-maybe-logged":
                        throw new FailStoppedException("fail-stopped; it may be in the log", true, 7, null);
                    default:
                        return ByteString.EMPTY;
                }
            }
        };
    }

    private List<Op> run(String outcome, Invocation first, Path dir) {
        return run(new Plain(), outcome, first, dir);
    }

    private List<Op> run(Workload workload, String outcome, Invocation first, Path dir) {
        HistoryRecorder history = new HistoryRecorder(new RunLog(dir.resolve("jepsen.log")));
        ClientWorker worker = new ClientWorker(
                2, 5, workload, scripted(outcome), history, new Random(1), Duration.ofMillis(200), calls);
        worker.runOnce(first);
        worker.runOnce(WRITE.equals(first) ? READ : WRITE);
        return history.history().ops();
    }

    @Test
    void aWriteThatHangsPastTheOpTimeoutIsInfoAndTheThreadContinuesAsANewProcess(@TempDir Path dir) {
        List<Op> ops = run("hang", WRITE, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.INFO);
        assertThat(((List<?>) ops.get(1).extra(Op.ERROR)).get(0)).isEqualTo(Keyword.of("timeout"));
        assertThat(ops.get(2).process()).isEqualTo(7L);
    }

    @Test
    void aReadThatHangsIsAFailureAndKeepsItsProcess(@TempDir Path dir) {
        List<Op> ops = run("hang", READ, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.FAIL);
        assertThat(ops.get(2).process()).isEqualTo(2L);
    }

    @Test
    void aRejectedCommandIsAFailureWithTheInvocationsValue(@TempDir Path dir) {
        List<Op> ops = run("rejected", WRITE, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.FAIL);
        assertThat(ops.get(1).value()).isEqualTo(1L);
        assertThat(ops.get(1).extra(Op.ERROR)).isEqualTo(List.of(Keyword.of("rejected"), "insufficient funds"));
        assertThat(ops.get(2).process()).isEqualTo(2L);
    }

    @Test
    void anUnavailableGroupMakesAWriteIndeterminate(@TempDir Path dir) {
        List<Op> ops = run("unavailable", WRITE, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.INFO);
        assertThat(ops.get(2).process()).isEqualTo(7L);
    }

    @Test
    void aCommandTheClientDefinitelyNeverDeliveredIsAFailureAndKeepsItsProcess(@TempDir Path dir) throws IOException {
        // Every op sent while all replicas are down (kill-all) used to be :info, and a queue history with dozens of
        // them was out of the checker's reach (batch I, I7): they cannot have taken effect.
        for (String outcome : List.of("refused", "queue-full", "fail-stopped-before-log")) {
            List<Op> ops = run(outcome, WRITE, Files.createDirectories(dir.resolve(outcome)));

            assertThat(ops.get(1).type()).as(outcome).isEqualTo(OpType.FAIL);
            assertThat(ops.get(1).value()).isEqualTo(1L);
            assertThat(((List<?>) ops.get(1).extra(Op.ERROR)).get(0)).isEqualTo(Keyword.of("not-applied"));
            assertThat(ops.get(2).process()).as(outcome).isEqualTo(2L);
        }
    }

    @Test
    void aCommandAFailStoppedGroupMayHaveLoggedIsIndeterminate(@TempDir Path dir) {
        List<Op> ops = run("fail-stopped-maybe-logged", WRITE, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.INFO);
        assertThat(ops.get(2).process()).isEqualTo(7L);
    }

    @Test
    void aReplyTheWorkloadCannotReadLeavesTheOutcomeUnknown(@TempDir Path dir) {
        Workload unreadable = new Plain() {
            @Override
            public Completion completion(Invocation op, ByteString reply) throws IOException {
                throw new InvalidProtocolBufferException("truncated message");
            }
        };

        List<Op> ops = run(unreadable, "ok", WRITE, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.INFO);
        assertThat(ops.get(1).extra(Op.ERROR))
                .isEqualTo(List.of(Keyword.of("indeterminate"), "InvalidProtocolBufferException: truncated message"));
        assertThat(ops.get(3).type()).as("the read after it").isEqualTo(OpType.FAIL);
        assertThat(ops.get(3).process()).isEqualTo(7L);
    }

    @Test
    void aRefusalTheWorkloadTakesForAnAnswerIsOk(@TempDir Path dir) {
        Workload emptyIsAnAnswer = new Plain() {
            @Override
            public Completion rejected(Invocation op, CommandRejected refusal) {
                return Completion.ok(refusal.getMessage());
            }
        };

        List<Op> ops = run(emptyIsAnAnswer, "rejected", WRITE, dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.OK);
        assertThat(ops.get(1).value()).isEqualTo("insufficient funds");
        assertThat(ops.get(2).process()).isEqualTo(2L);
    }

    /** A sharded deployment's client, answering every keyed request as {@code outcome} says; it needs keys. */
    private static Transport sharded(String outcome, List<String> keys) {
        return new Transport() {
            @Override
            public ByteString submit(ByteString command) {
                throw new AssertionError("a sharded transport is always called with the key");
            }

            @Override
            public ByteString query(ByteString query) {
                throw new AssertionError("a sharded transport is always called with the key");
            }

            @Override
            public ByteString submit(String key, ByteString command) throws CommandRejected {
                keys.add(key);
                switch (outcome) {
                    case "wrong-shard":
                        throw new WrongShardException("shard 1 refused key 'k1' routed by map version 3");
                    case "group-not-found":
                        throw new GroupNotFoundException("group jepsen-1 is not on n2 (moved)", null);
                    default:
                        return ByteString.EMPTY;
                }
            }

            @Override
            public ByteString query(String key, ByteString query) throws CommandRejected {
                return submit(key, query);
            }

            @Override
            public boolean routesByKey() {
                return true;
            }
        };
    }

    /** {@link Plain} whose every op is about key {@code k1}. */
    private static class Keyed extends Plain {
        @Override
        public String shardKey(Invocation op) {
            return "k1";
        }
    }

    private List<Op> runSharded(Workload workload, String outcome, List<String> keys, Path dir) {
        HistoryRecorder history = new HistoryRecorder(new RunLog(dir.resolve("jepsen.log")));
        ClientWorker worker = new ClientWorker(
                2, 5, workload, sharded(outcome, keys), history, new Random(1), Duration.ofMillis(200), calls);
        worker.runOnce(WRITE);
        worker.runOnce(READ);
        return history.history().ops();
    }

    @Test
    void aShardedRequestGoesByItsKeyAndAWrongShardRefusalIsAFailure(@TempDir Path dir) {
        List<String> keys = new ArrayList<>();
        List<Op> ops = runSharded(new Keyed(), "wrong-shard", keys, dir);

        assertThat(keys).containsExactly("k1", "k1");
        assertThat(ops.get(1).type()).isEqualTo(OpType.FAIL);
        assertThat(((List<?>) ops.get(1).extra(Op.ERROR)).get(0)).isEqualTo(Keyword.of("rejected"));
        assertThat(ops.get(2).process()).isEqualTo(2L);
    }

    @Test
    void aShardedWriteWhoseGroupMovedAwayIsIndeterminateAndAReadOfItFails(@TempDir Path dir) {
        // A command that meets GroupNotFoundException may have been applied by an attempt before: :info.
        List<Op> ops = runSharded(new Keyed(), "group-not-found", new ArrayList<>(), dir);

        assertThat(ops.get(1).type()).isEqualTo(OpType.INFO);
        assertThat(ops.get(1).extra(Op.ERROR))
                .isEqualTo(List.of(
                        Keyword.of("indeterminate"), "GroupNotFoundException: group jepsen-1 is not on n2 (moved)"));
        assertThat(ops.get(3).type()).isEqualTo(OpType.FAIL);
        assertThat(ops.get(3).process()).isEqualTo(7L);
    }

    @Test
    void anOpWithoutAKeyIsNeverInvokedInAShardedRun(@TempDir Path dir) {
        HistoryRecorder history = new HistoryRecorder(new RunLog(dir.resolve("jepsen.log")));
        ClientWorker worker = new ClientWorker(
                2,
                5,
                new Plain(),
                sharded("ok", new ArrayList<>()),
                history,
                new Random(1),
                Duration.ofMillis(200),
                calls);

        assertThatThrownBy(() -> worker.runOnce(WRITE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gave no shard key for op :write");
        assertThat(history.history().ops()).isEmpty();
    }
}

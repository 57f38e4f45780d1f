package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.internal.config.ClassPath;
import io.ratissm.jepsen.UserQueue;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.cli.HarnessLauncher;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.HistoryWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.ReadMode;
import io.ratissm.jepsen.workload.StateMachineWorkload;
import io.ratissm.jepsen.workload.WorkloadCheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The state-machine workload on a user's queue compiled into a directory of its own, driven by the harness's client
 * rules against an in-process group: what it records, and the verdict of the queue as its own model.
 */
class StateMachineWorkloadTest {
    private static final int CLIENTS = 3;
    private static final int OPS_PER_CLIENT = 60;
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aUsersQueueIsRecordedReadablyAndChecksAsItsOwnModel(@TempDir Path dir) throws Exception {
        Path classes = UserQueue.compile(dir);
        StateMachineWorkload workload = workload(UserQueue.QUEUE, classes);

        History history = drive(workload, replicas(UserQueue.QUEUE, classes), dir);
        WorkloadCheck check = workload.check(history, dir);

        assertThat(check.verdict()).as("%s", check.details()).isEqualTo(Verdict.LINEARIZABLE);
        Op firstDequeue = history.ops().get(1);
        assertThat(firstDequeue.f()).isEqualTo(Keyword.of("dequeue"));
        assertThat(value(firstDequeue))
                .containsEntry(StateMachineModel.REJECTED, "empty")
                .containsEntry(StateMachineModel.TEXT, "");
        Op enqueued = history.ops().stream()
                .filter(o -> o.type() == OpType.OK && Keyword.of("enqueue").equals(o.f()))
                .findFirst()
                .orElseThrow();
        assertThat(value(enqueued)).containsKeys(StateMachineModel.COMMAND, StateMachineModel.REPLY);
        assertThat((String) value(enqueued).get(StateMachineModel.TEXT)).matches("value: \\d+");
        assertThat(value(enqueued)).containsEntry(StateMachineModel.REPLY_TEXT, "value: 1");
        assertThat(history.ops())
                .anySatisfy(o -> assertThat(
                                o.type() == OpType.OK && Keyword.of("size").equals(o.f())
                                        ? value(o).get(StateMachineModel.TEXT)
                                        : null)
                        .isEqualTo("value: \"size\""));
        assertThat(Files.readString(dir.resolve("timeline.html")))
                .contains("enqueue</b> {value: ", "} -&gt; {value: 1}", "dequeue</b> {} -&gt; rejected");
        @SuppressWarnings("unchecked")
        Map<Object, Object> rejections = (Map<Object, Object>) check.details().get(Keyword.of("rejections"));
        assertThat(rejections).containsKeys(Keyword.of("enqueue"), Keyword.of("dequeue"));

        // history.edn, as the store holds it, reads back into the same operations and the same verdict
        HistoryWriter.writeStore(history, dir.resolve("store"));
        History readBack = HistoryReader.read(dir.resolve("store").resolve("history.edn"));
        assertThat(readBack.ops()).hasSameSizeAs(history.ops());
        assertThat(readBack.ops().get(1).value()).isEqualTo(firstDequeue.value());
        assertThat(workload.check(readBack, Files.createDirectories(dir.resolve("again")))
                        .verdict())
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(checkCommand(UserQueue.QUEUE, classes, dir.resolve("store").resolve("history.edn")))
                .startsWith("0 ")
                .contains("history.edn valid=true");
    }

    @Test
    void aQueryThatAnswersAFieldNoSnapshotHoldsIsNotLinearizable(@TempDir Path dir) throws Exception {
        Path classes = UserQueue.compile(dir);
        StateMachineWorkload workload = workload(UserQueue.STALE_SIZE_QUEUE, classes);

        History history = drive(workload, replicas(UserQueue.STALE_SIZE_QUEUE, classes), dir);
        WorkloadCheck check = workload.check(history, dir);

        assertThat(check.verdict()).as("%s", check.details()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        @SuppressWarnings("unchecked")
        Map<Keyword, Object> counterexample =
                (Map<Keyword, Object>) check.details().get(Keyword.of("counterexample"));
        @SuppressWarnings("unchecked")
        Map<Keyword, Object> op = (Map<Keyword, Object>) counterexample.get(Keyword.of("op"));
        assertThat(op.get(Keyword.of("f"))).isEqualTo(Keyword.of("size"));
        HistoryWriter.writeStore(history, dir.resolve("store"));
        assertThat(checkCommand(
                        UserQueue.STALE_SIZE_QUEUE,
                        classes,
                        dir.resolve("store").resolve("history.edn")))
                .startsWith("1 ")
                .contains("history.edn valid=false");
    }

    /** {@code ratis-sm check --model state-machine} on {@code history}: its exit code, a space, and its output. */
    private static String checkCommand(String stateMachine, Path classes, Path history) {
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute(
                "check",
                "--model",
                "state-machine",
                "--state-machine",
                stateMachine,
                "--classpath",
                classes.toString(),
                history.toString());
        return exit + " " + out;
    }

    @Test
    void aGeneratorWhoseCommandsAreAllRejectedGetsAWarningAndItsRejectionRate(@TempDir Path dir) throws Exception {
        Path classes = UserQueue.compile(dir);
        StateMachineWorkload workload = workload(UserQueue.QUEUE, classes);
        List<Op> ops = new ArrayList<>();
        Map<Keyword, Object> dequeue =
                StateMachineModel.command(Int64Value.of(0).toByteString());
        for (int i = 0; i < 12; i++) {
            ops.add(Op.of(ops.size(), OpType.INVOKE, 0L, "dequeue", dequeue));
            ops.add(Op.of(ops.size(), OpType.OK, 0L, "dequeue", StateMachineModel.rejected(dequeue, "empty")));
        }

        WorkloadCheck check = workload.check(new History(ops), dir);

        assertThat(check.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check.details().get(Keyword.of("rejections")))
                .isEqualTo(Map.of(
                        Keyword.of("dequeue"),
                        Map.of(Keyword.of("answered"), 12L, Keyword.of("rejected"), 12L, Keyword.of("rate"), 1.0)));
        assertThat(check.details().get(Keyword.of("warnings")))
                .asList()
                .singleElement()
                .asString()
                .contains("rejected every one of the 12 :dequeue commands", "\"empty\"", "change the generator");
    }

    private static StateMachineWorkload workload(String stateMachine, Path classes) {
        return StateMachineWorkload.load(stateMachine, UserQueue.GENERATOR, List.of(classes), Duration.ofMinutes(1));
    }

    /** Instances of the user's class from its own class loader, as a replica makes them. */
    private static Supplier<StateMachine> replicas(String className, Path classes) throws Exception {
        ClassLoader loader = ClassPath.loader(List.of(classes), StateMachineWorkloadTest.class.getClassLoader());
        Constructor<? extends StateMachine> c = Class.forName(className, true, loader)
                .asSubclass(StateMachine.class)
                .getConstructor();
        return () -> {
            try {
                return c.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /**
     * A dequeue on the empty queue first, then {@value #CLIENTS} clients of {@value #OPS_PER_CLIENT} ops each, as
     * the harness's client workers run them.
     */
    private static History drive(StateMachineWorkload workload, Supplier<StateMachine> replicas, Path dir)
            throws Exception {
        ExecutorService calls = Executors.newCachedThreadPool();
        List<ReplicaClient> clients = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.start(3, replicas, Replication.ACTIVE);
                RunLog log = new RunLog(dir.resolve("jepsen.log"))) {
            cluster.awaitLeader();
            HistoryRecorder history = new HistoryRecorder(log);
            List<Reader> readers = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                ReplicaClient commands = cluster.newClient();
                ReplicaClient queries = cluster.newClient();
                clients.add(commands);
                clients.add(queries);
                readers.add(new Reader(commands, queries, ReadMode.LINEARIZABLE, cluster.ids(), new Random(i)));
            }
            for (Invocation op : workload.setUp()) {
                ClientWorker.call(workload, readers.get(0), op, OP_TIMEOUT, calls);
            }
            Random draws = new Random(7);
            Invocation dequeue = workload.next(draws);
            while (!dequeue.f().equals("dequeue")) {
                dequeue = workload.next(draws);
            }
            new ClientWorker(0, CLIENTS, workload, readers.get(0), history, new Random(0), OP_TIMEOUT, calls)
                    .runOnce(dequeue);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                ClientWorker worker = new ClientWorker(
                        i, CLIENTS, workload, readers.get(i), history, new Random(100 + i), OP_TIMEOUT, calls);
                Random random = new Random(200 + i);
                threads.add(new Thread(() -> {
                    for (int n = 0; n < OPS_PER_CLIENT; n++) {
                        Invocation op;
                        synchronized (workload) { // as the harness calls the generator: one thread at a time
                            op = workload.next(random);
                        }
                        worker.runOnce(op);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            return history.history();
        } finally {
            clients.forEach(ReplicaClient::close);
            calls.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Keyword, Object> value(Op op) {
        return (Map<Keyword, Object>) op.value();
    }
}

package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.ratissm.test.jobs.Job;
import io.ratissm.test.jobs.JobCommand;
import io.ratissm.test.jobs.JobQuery;
import io.ratissm.test.jobs.JobReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A group advertises its state machine: the class and its Protobuf message types, from any replica, in either mode;
 * a client rebuilds the types without the state machine's classes. A typed client sends only the state machine's
 * command and query types, and only to a group that advertises them: the new user's {@code submit(size query)}, which
 * the untyped client sends as a dequeue (the bytes parse as either), cannot happen.
 */
class TypedClientTest {
    private static final JobQuery SIZE = JobQuery.newBuilder().setSize(true).build();

    private static LocalCluster queues;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        queues = LocalCluster.start(3, JobQueue::new, Replication.ACTIVE);
        queues.awaitLeader();
    }

    @AfterAll
    static void stop() {
        queues.close();
    }

    private static JobCommand enqueue(String name) {
        return JobCommand.newBuilder()
                .setEnqueue(Job.newBuilder().setName(name).setPriority(2))
                .build();
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void everyReplicaDescribesTheStateMachineAndItsTypesInEitherMode(Replication mode) throws Exception {
        try (LocalCluster group = mode == Replication.ACTIVE ? null : LocalCluster.start(3, JobQueue::new, mode)) {
            LocalCluster cluster = group == null ? queues : group;
            cluster.awaitLeader();
            for (String id : cluster.ids()) {
                try (ReplicaClient one = ReplicaClient.builder()
                        .peers(id + "=" + cluster.replica(id).address())
                        .build()) {
                    GroupDescription d = one.describe();

                    assertThat(d.group()).isEqualTo("ratis-sm");
                    assertThat(d.stateMachineClass()).as(id).isEqualTo(JobQueue.class.getName());
                    StateMachineSchema schema = d.schema().orElseThrow();
                    assertThat(schema.commandType().getFullName()).isEqualTo("ratissm.test.jobs.JobCommand");
                    assertThat(schema.queryType().getFullName()).isEqualTo("ratissm.test.jobs.JobQuery");
                    assertThat(schema.commandReplyType().map(Descriptor::getFullName))
                            .contains("ratissm.test.jobs.JobReply");
                    assertThat(schema.queryReplyType().map(Descriptor::getFullName))
                            .contains("ratissm.test.jobs.JobReply");
                    assertRebuiltWithoutTheClasses(schema.commandType());
                }
            }
        }
    }

    /** Built from the bytes sent, imports included: it reads a command, nested job and all, as the class does. */
    private static void assertRebuiltWithoutTheClasses(Descriptor command) throws Exception {
        assertThat(command).isNotSameAs(JobCommand.getDescriptor());
        assertThat(command.getFile().getDependencies())
                .extracting(f -> f.getName())
                .containsExactly("job.proto");
        DynamicMessage read = DynamicMessage.parseFrom(command, enqueue("a").toByteString());
        assertThat(TextFormat.printer().shortDebugString(read)).isEqualTo("enqueue { name: \"a\" priority: 2 }");
    }

    @Test
    void aStateMachineOfBytesAdvertisesItsClassAndNoTypesAndATypedClientRefusesIt() throws Exception {
        try (LocalCluster counters = LocalCluster.start(1, NonNegativeCounter::new, Replication.ACTIVE);
                ReplicaClient client = counters.newClient()) {
            counters.awaitLeader();

            GroupDescription d = client.describe();
            assertThat(d.stateMachineClass()).isEqualTo(NonNegativeCounter.class.getName());
            assertThat(d.schema()).isEmpty();

            SchemaMismatchException e = catchThrowableOfType(
                    SchemaMismatchException.class,
                    () -> client.typed(JobCommand.class, JobQuery.class).submit(enqueue("x"), JobReply.parser()));
            assertThat(e)
                    .hasMessageStartingWith("group ratis-sm runs " + NonNegativeCounter.class.getName()
                            + ", which declares no message types")
                    .hasMessageContaining("nothing was sent");
            assertThat(NonNegativeCounter.decode(client.query(NonNegativeCounter.get())))
                    .as("nothing applied")
                    .isZero();
        }
    }

    @Test
    void aTypedClientSendsTheStateMachinesCommandsAndQueries() throws Exception {
        try (ReplicaClient client = queues.newClient()) {
            TypedClient<JobCommand, JobQuery> jobs = client.typed(JobCommand.class, JobQuery.class);
            long before = jobs.query(SIZE, JobReply.parser()).getSize();

            assertThat(jobs.submit(enqueue("build"), JobReply.parser()).getSize())
                    .isEqualTo(before + 1);
            assertThat(jobs.submitAsync(enqueue("test"), JobReply.parser())
                            .get()
                            .getSize())
                    .isEqualTo(before + 2);
            assertThat(jobs.queryAsync(SIZE, JobReply.parser()).get().getSize()).isEqualTo(before + 2);
            assertThat(jobs.verify().stateMachineClass()).isEqualTo(JobQueue.class.getName());
        }
    }

    @Test
    void aTypedClientOfOtherTypesIsRefusedNamingBothAndSendsNothing() throws Exception {
        try (ReplicaClient client = queues.newClient()) {
            JobCommand enqueue = enqueue("never");
            long before = client.query(SIZE, JobReply.parser()).getSize();
            // The new user's mistake the other way round: queries as commands, commands as queries.
            TypedClient<JobQuery, JobCommand> swapped = client.typed(JobQuery.class, JobCommand.class);

            SchemaMismatchException e =
                    catchThrowableOfType(SchemaMismatchException.class, () -> swapped.submit(SIZE, JobReply.parser()));

            assertThat(e)
                    .hasMessage(
                            "group ratis-sm runs io.ratissm.JobQueue, whose commands are ratissm.test.jobs.JobCommand"
                                    + " and queries ratissm.test.jobs.JobQuery, but this client sends commands"
                                    + " ratissm.test.jobs.JobQuery and queries ratissm.test.jobs.JobCommand;"
                                    + " nothing was sent."
                                    + " Check the group's name and addresses, or use the types of its state machine");
            assertThat(e.expectedCommandType()).isEqualTo("ratissm.test.jobs.JobQuery");
            assertThat(e.advertised().stateMachineClass()).isEqualTo(JobQueue.class.getName());
            assertThatThrownBy(() -> swapped.query(enqueue, JobReply.parser()))
                    .as("refused again without asking: the group's answer is kept")
                    .isSameAs(e);
            assertThat(client.query(SIZE, JobReply.parser()).getSize())
                    .as("nothing dequeued")
                    .isEqualTo(before);
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aQueryPassedAsACommandThroughAnUncheckedCastIsRefusedBeforeItIsSent() throws Exception {
        try (ReplicaClient client = queues.newClient()) {
            client.submit(enqueue("keep"), JobReply.parser());
            long before = client.query(SIZE, JobReply.parser()).getSize();
            TypedClient erased = client.typed(JobCommand.class, JobQuery.class);

            assertThatThrownBy(() -> erased.submit(SIZE, JobReply.parser()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("this client sends commands of type ratissm.test.jobs.JobCommand, not"
                            + " ratissm.test.jobs.JobQuery; nothing was sent");
            assertThat(client.query(SIZE, JobReply.parser()).getSize())
                    .as("nothing dequeued")
                    .isEqualTo(before);
            // What the typed client prevents: the untyped one sends the size query's bytes, which dequeue a job.
            assertThat(client.submit(SIZE.toByteString())).isNotEmpty();
            assertThat(client.query(SIZE, JobReply.parser()).getSize()).isEqualTo(before - 1);
        }
    }

    @Test
    void aQueryDoesNotCompileAsACommandOfATypedClient() throws IOException {
        Path source = Files.writeString(
                Files.createDirectories(dir.resolve("src/example")).resolve("Mistake.java"), """
                package example;

                import io.ratissm.TypedClient;
                import io.ratissm.test.jobs.*;

                class Mistake {
                    JobReply size(TypedClient<JobCommand, JobQuery> jobs) throws Exception {
                        return jobs.submit(JobQuery.newBuilder().setSize(true).build(), JobReply.parser());
                    }
                }
                """);

        List<Diagnostic<? extends JavaFileObject>> errors = compile(source);

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getLineNumber()).isEqualTo(8);
        assertThat(errors.get(0).getMessage(Locale.ROOT)).contains("JobQuery").contains("JobCommand");
    }

    /** Compiles {@code source} against the tests' classpath; the errors, none if it compiled. */
    private List<Diagnostic<? extends JavaFileObject>> compile(Path source) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            Path out = Files.createDirectories(dir.resolve("classes"));
            javac.getTask(
                            null,
                            files,
                            diagnostics,
                            List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString()),
                            null,
                            files.getJavaFileObjects(source))
                    .call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .toList();
    }
}

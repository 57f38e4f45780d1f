package io.ratissm.jepsen.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.EchoStateMachine;
import io.ratissm.jepsen.junit.planted.AppendLog;
import io.ratissm.jepsen.workload.OperationGenerator;
import io.ratissm.jepsen.workload.RegisterWorkload;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bad input to {@link LinearizabilityTest}: each mistake is refused with an {@link IllegalArgumentException} that says
 * what is wrong and what to do, before any replica starts.
 */
class LinearizabilityTestArgumentsTest {
    private static final OperationGenerator GENERATOR =
            random -> OperationGenerator.Request.query("list", StringValue.of("list"));

    @Test
    void aClassThatExistsNowhereIsRefusedNamingWhereItWasLookedFor() {
        assertThatThrownBy(() -> LinearizabilityTest.of("com.acme.Missing")
                        .generator(GENERATOR)
                        .run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LinearizabilityTest.of: no class com.acme.Missing on the test's classpath; add its jar or"
                        + " directory with .classpath(...)");
        assertThatThrownBy(() -> LinearizabilityTest.of("com.acme.Missing")
                        .classpath(Path.of("lib", "queue.jar"))
                        .generator(GENERATOR)
                        .run())
                .hasMessage("LinearizabilityTest.of: no class com.acme.Missing on the test's classpath or in ["
                        + Path.of("lib", "queue.jar") + "]");
    }

    @Test
    void aClassThatIsNoStateMachineIsRefused() {
        assertThatThrownBy(() -> LinearizabilityTest.of("java.lang.String")
                        .generator(GENERATOR)
                        .run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LinearizabilityTest.of: class java.lang.String is not a io.ratissm.StateMachine");
    }

    @Test
    void aStateMachineTheReplicasCannotMakeByNameIsRefusedSayingWhy() {
        assertThatThrownBy(() -> LinearizabilityTest.of(Abstract.class))
                .hasMessageContaining(Abstract.class.getName() + " is abstract; name the concrete state machine");
        assertThatThrownBy(() -> LinearizabilityTest.of(NotPublic.class))
                .hasMessageContaining(NotPublic.class.getName() + " is not public");
        assertThatThrownBy(() -> LinearizabilityTest.of(Inner.class))
                .hasMessageContaining(Inner.class.getName() + " is an inner class; make it static");
        assertThatThrownBy(() -> LinearizabilityTest.of(WithArguments.class))
                .hasMessageContaining(WithArguments.class.getName() + " has no public constructor without arguments");
        assertThatThrownBy(() -> LinearizabilityTest.of(WithArguments.class.getName())
                        .generator(GENERATOR)
                        .run())
                .as("by name, when it runs")
                .hasMessageContaining("has no public constructor without arguments");
    }

    @Test
    void aTestNeedsAGeneratorOrAWorkloadAndNotBoth() {
        assertThatThrownBy(() -> LinearizabilityTest.of(AppendLog.class).run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("say what the clients do, with .generator(...)")
                .hasMessageContaining(".workload(...)");
        assertThatThrownBy(() -> LinearizabilityTest.of(AppendLog.class)
                        .generator(GENERATOR)
                        .workload(new RegisterWorkload(1, 10, Duration.ofSeconds(1)))
                        .run())
                .hasMessageContaining("give .generator(...) or .workload(...), not both");
    }

    @Test
    void unknownFaultsAndSettingsOutOfRangeAreRefusedAtOnce() {
        LinearizabilityTest test = LinearizabilityTest.of(AppendLog.class);
        assertThatThrownBy(() -> test.nemesis("kill", "explode"))
                .hasMessageStartingWith("nemesis: unknown nemesis 'explode'; choose from [none, kill,");
        assertThatThrownBy(() -> test.nemesis()).hasMessageContaining("name at least one fault, or \"none\"");
        assertThatThrownBy(() -> LinearizabilityTest.whyUnavailable("explode"))
                .hasMessageStartingWith("unknown nemesis 'explode'");
        assertThat(LinearizabilityTest.whyUnavailable("kill+snapshot"))
                .as("needs nothing of the host")
                .isEmpty();
        assertThatThrownBy(() -> test.nodes(0)).hasMessage("nodes: at least 1, not 0");
        assertThatThrownBy(() -> test.clients(-1)).hasMessage("clients: at least 1, not -1");
        assertThatThrownBy(() -> test.timeLimit(Duration.ZERO)).hasMessage("timeLimit: must be positive, not PT0S");
        assertThatThrownBy(() -> test.faultCycle(Duration.ofSeconds(1), Duration.ofSeconds(-1)))
                .hasMessage("faultCycle heal: must be positive, not PT-1S");
        assertThatThrownBy(() -> test.snapshotEvery(0)).hasMessage("snapshotEvery: at least 1 log entry, not 0");
        test.replicaQuery("list", ByteString.copyFromUtf8("list"));
        assertThatThrownBy(() -> test.replicaQuery("list", ByteString.EMPTY))
                .hasMessage("replicaQuery: a query named 'list' was given already");
    }

    public abstract static class Abstract implements StateMachine {}

    static class NotPublic extends EchoStateMachine {}

    public class Inner extends NotPublic {}

    public static class WithArguments extends NotPublic {
        public WithArguments(int size) {}
    }
}

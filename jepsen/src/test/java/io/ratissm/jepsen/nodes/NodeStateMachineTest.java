package io.ratissm.jepsen.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.StateMachine;
import io.ratissm.jepsen.EchoStateMachine;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.IntSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the harness names a state machine in its replicas' configuration, and what it refuses before any start. */
class NodeStateMachineTest {

    /** A state machine a replica cannot make: no constructor without arguments. */
    public static class NeedsAnArgument extends EchoStateMachine {
        public NeedsAnArgument(int size) {}
    }

    /** A state machine whose constructor throws: every replica would exit at start. */
    public static final class Unconfigured extends NeedsAnArgument {
        public Unconfigured() {
            super(0);
            throw new IllegalStateException("no limit configured");
        }
    }

    @Test
    void aStateMachineAWorkloadNamesByClassGoesByItsClassNameAndIsMadeOnceFirst() {
        NodeStateMachine counter = NodeStateMachine.of(Counter.class, List.of());

        assertThat(counter.configValue(Duration.ZERO)).isEqualTo(Counter.class.getName());
        assertThat(counter.withEffects()).isTrue();
        assertThat(counter.instances().get()).isInstanceOf(Counter.class);
        assertThatThrownBy(() -> NodeStateMachine.of(Unconfigured.class, List.of()))
                .isInstanceOfSatisfying(
                        UserClasses.UnusableClassException.class,
                        e -> assertThat(e.kind()).isEqualTo(StateMachine.class))
                .hasMessageStartingWith("the state machine " + Unconfigured.class.getName() + ": new "
                        + Unconfigured.class.getName() + "() threw java.lang.IllegalStateException: no limit"
                        + " configured at ")
                .hasRootCauseMessage("no limit configured");
    }

    @Test
    void bundledStateMachinesGoByTheirShortNamesAndUserClassesByTheirClassNames() {
        assertThat(NodeStateMachine.named("KV", List.of()).configValue(Duration.ZERO))
                .isEqualTo("kv");
        NodeStateMachine byClass = NodeStateMachine.named(IntSet.class.getName(), List.of());

        assertThat(byClass.configValue(Duration.ZERO)).isEqualTo(IntSet.class.getName());
        assertThat(byClass.withEffects()).isFalse();
        assertThat(NodeStateMachine.named(Counter.class.getName(), List.of()).withEffects())
                .isTrue();
    }

    @Test
    void theReplicasClasspathIsTheHarnesssThenTheStateMachines(@TempDir Path jars) {
        NodeStateMachine sm = NodeStateMachine.named(Counter.class.getName(), List.of(jars));

        assertThat(sm.nodeClasspath("/h/a.jar:/h/lib/*")).isEqualTo("/h/a.jar:/h/lib/*:" + jars);
    }

    @Test
    void aClassThatIsMissingIsNoStateMachineOrCannotBeMadeIsRefusedWithWhatToDo(@TempDir Path jars) {
        assertThatThrownBy(() -> NodeStateMachine.named("com.acme.JobQueue", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--state-machine: no class com.acme.JobQueue on the harness's classpath; give its jar (and"
                        + " the jars it needs) with --classpath");
        assertThatThrownBy(() -> NodeStateMachine.named("com.acme.JobQueue", List.of(jars)))
                .hasMessageContaining("or in [" + jars + "]");
        assertThatThrownBy(() -> NodeStateMachine.named(String.class.getName(), List.of()))
                .hasMessage("--state-machine: class java.lang.String is not a concrete implementation of "
                        + StateMachine.class.getName());
        assertThatThrownBy(() -> NodeStateMachine.named(NeedsAnArgument.class.getName(), List.of()))
                .hasMessageContaining("has no public constructor without arguments");
    }
}

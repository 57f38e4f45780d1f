package io.ratissm;

import java.util.Objects;
import java.util.Optional;

/**
 * What a group says it runs, as {@link ReplicaClient#describe()} reads it from any one replica: the class of its state
 * machine and, if the state machine declares them ({@link StateMachine#schema()}), its Protobuf message types. The
 * types are rebuilt from the descriptors the replica sent, so they need none of the state machine's classes on the
 * client; compare them by {@linkplain com.google.protobuf.Descriptors.Descriptor#getFullName() full name}.
 *
 * @param group             the group's name, as the client was given it
 * @param stateMachineClass the state machine's class name, as the replica that answered runs it
 * @param schema            its message types; empty for a state machine of bytes, which declares none
 */
public record GroupDescription(String group, String stateMachineClass, Optional<StateMachineSchema> schema) {
    public GroupDescription {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(stateMachineClass, "stateMachineClass");
        Objects.requireNonNull(schema, "schema");
    }

    /** {@code group ratis-sm runs io.ratissm.statemachines.KvStore (commands ..., queries ...)}. */
    @Override
    public String toString() {
        return "group " + group + " runs " + stateMachineClass
                + schema.map(s -> " (" + s + ")").orElse(" (no message types declared)");
    }
}

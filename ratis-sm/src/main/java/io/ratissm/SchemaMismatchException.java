package io.ratissm;

import java.util.Optional;

/**
 * A typed client ({@link ReplicaClient#typed}) refused to send: the group's state machine advertises other command or
 * query types than the client's, or none at all (a state machine of bytes, whose types cannot be checked). Definite:
 * nothing was sent, and retrying cannot succeed. Connect to the group that runs the state machine these types are
 * for, or, for a state machine of bytes, use the untyped {@link ReplicaClient}.
 */
public class SchemaMismatchException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    private final transient GroupDescription advertised;
    private final String expectedCommandType;
    private final String expectedQueryType;

    public SchemaMismatchException(GroupDescription advertised, String expectedCommandType, String expectedQueryType) {
        super(message(advertised, expectedCommandType, expectedQueryType));
        this.advertised = advertised;
        this.expectedCommandType = expectedCommandType;
        this.expectedQueryType = expectedQueryType;
    }

    private static String message(GroupDescription group, String command, String query) {
        String client = "this client sends commands " + command + " and queries " + query;
        Optional<StateMachineSchema> schema = group.schema();
        if (schema.isEmpty()) {
            return "group " + group.group() + " runs " + group.stateMachineClass() + ", which declares no message types"
                    + " (its StateMachine.schema() is empty: a state machine of bytes), so " + client
                    + " without a way to check that it speaks them; nothing was sent. Declare the types in the state"
                    + " machine's schema() (a ProtoStateMachine does), or use the untyped ReplicaClient";
        }
        return "group " + group.group() + " runs " + group.stateMachineClass() + ", whose commands are "
                + schema.get().commandType().getFullName() + " and queries "
                + schema.get().queryType().getFullName() + ", but " + client
                + "; nothing was sent. Check the group's name and addresses, or use the types of its state machine";
    }

    /** What the group said it runs. */
    public GroupDescription advertised() {
        return advertised;
    }

    /** The full name of the command type the client was built for. */
    public String expectedCommandType() {
        return expectedCommandType;
    }

    /** The full name of the query type the client was built for. */
    public String expectedQueryType() {
        return expectedQueryType;
    }
}

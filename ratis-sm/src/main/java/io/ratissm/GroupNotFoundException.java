package io.ratissm;

/**
 * The replicas that answered serve no group of the name the client or admin was given: a wrong group name, or
 * addresses of another group's replicas. Definite: those replicas applied nothing, and retrying with the same
 * settings cannot succeed. Check the group name (the servers' {@code group}) and the addresses.
 */
public class GroupNotFoundException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public GroupNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

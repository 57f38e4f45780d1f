package io.ratissm.internal.server;

/**
 * The operator's way back for a replica whose storage cannot be used, in one wording for every refusal that needs
 * it (a corrupt snapshot, a wiped replica): the replica rejoins as a new member and receives the group's state.
 * OPERATIONS.md, "Replacing a replica's storage", is the long form.
 */
final class RecoveryProcedure {
    private RecoveryProcedure() {}

    /** The steps for replica {@code settings.id()}, with its address and storage directory filled in. */
    static String steps(ServerSettings settings) {
        String id = settings.id();
        return "To bring " + id + " back with a copy of the group's state: remove it from the group ('ratis-sm admin"
                + " remove-replica " + id + "'), delete its storage directory " + settings.storage()
                + ", start it with join = true, and add it back ('ratis-sm admin add-replica " + id + " "
                + settings.group().address(id) + "'); see OPERATIONS.md, \"Replacing a replica's storage\"";
    }
}

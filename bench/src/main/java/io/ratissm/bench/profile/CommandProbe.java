package io.ratissm.bench.profile;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR events {@link CommandPathProfile}'s probes emit. */
final class CommandProbe {
    private CommandProbe() {}

    /** One command, from the client's {@code submitAsync} to its reply (the event's duration). */
    @Name("ratissm.bench.CommandAnswered")
    @Label("Command answered")
    @Category("ratis-sm bench")
    @StackTrace(false)
    static final class Answered extends Event {}

    /** One replica applied one command (the thread is that replica's state machine thread). */
    @Name("ratissm.bench.CommandApplied")
    @Label("Command applied")
    @Category("ratis-sm bench")
    @StackTrace(false)
    static final class Applied extends Event {}
}

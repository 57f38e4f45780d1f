package io.ratissm.cli;

import io.ratissm.InvalidConfigException;
import io.ratissm.ReplicaConfig;
import io.ratissm.ReplicaServer;
import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.config.ClassPath;
import io.ratissm.internal.config.SettingsDoc;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ratis-sm server --config FILE}: runs one replica from its configuration file (see {@link ReplicaConfig}
 * for the keys) until SIGTERM or SIGINT, or until an admin removes it from its group. Every mistake in the file is
 * reported before anything is written, with its own exit code (listed in {@code --help}), so that a supervisor
 * (systemd, a script) can tell a typo from a full disk.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        modelTransformer = ServerCommand.KeysHelp.class,
        description = {
            "Run one replica of a group from its configuration file (key = value lines; the keys are"
                    + " listed below).",
            "Logs go to standard error. SIGTERM or Ctrl-C stops the replica cleanly; its storage is kept.",
            "A replica whose state machine fail-stops (an exception from apply) keeps running, unhealthy"
                    + " (/health: 503 with the exception and log index), until it is stopped."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly (SIGTERM/SIGINT, or removed from the group by an admin)",
            "1:failed while running",
            "2:wrong command-line options",
            "3:the configuration file is missing or unreadable",
            "4:a line is not 'key = value', or a key is given twice",
            "5:unknown key",
            "6:a required key is missing",
            "7:a value is wrong",
            "8:a file the configuration names (tls.*, classpath) is missing or unreadable",
            "9:the storage directory cannot be used (not a directory, not writable, in use by another replica)",
            "10:the replica's port is in use",
            "11:the replica cannot rejoin from its storage (a corrupt snapshot, or its storage was wiped while the"
                    + " group remembers it): replace its storage as the message says (OPERATIONS.md)",
            "12:Ratis closed the replica by itself while it was a member (a JVM or host pause longer than"
                    + " raft.server.close.threshold, 60 s): restart it"
        })
public final class ServerCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int STORAGE = 9;
    static final int PORT_IN_USE = 10;
    static final int REPLACE_STORAGE = 11;
    static final int CLOSED_BY_RATIS = 12;
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);
    /** Appended to the message of a state machine class found nowhere: every place a user's jar can go. */
    static final String WHERE_CLASSES_COME_FROM = ". Put its jar (and the jars it needs) in one of three places:"
            + " the configuration file's 'classpath' key (relative to the file), the --classpath option, or the"
            + " distribution's lib/ext directory";

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The replica's configuration file.")
    Path config;

    @Option(
            names = "--classpath",
            paramLabel = "PATHS",
            description = {
                "Jars or directories to load the state machine class from (its jar and the jars it needs),"
                        + " separated by ',' or ':'; a pattern in the last part takes the matching jars of a"
                        + " directory (lib/*.jar). Relative to the working directory.",
                "The same as the configuration file's classpath key; jars in the distribution's lib/ext"
                        + " directory are on the classpath too."
            })
    String classpath;

    private final PrintStream err;

    public ServerCommand() {
        this(System.err);
    }

    ServerCommand(PrintStream err) {
        this.err = err;
    }

    /** Lists the configuration keys, from the one table of settings, after the exit codes. */
    static final class KeysHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            spec.usageMessage()
                    .footerHeading("%nConfiguration keys (default; allowed values): meaning%n")
                    .footer(SettingsDoc.helpLines().stream()
                            .map(line -> line.replace("%", "%%"))
                            .toArray(String[]::new));
            return spec;
        }
    }

    /** Runs the server command alone (what {@code bin/ratis-sm server} runs), for child processes in tests. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerCommand()).execute(args));
    }

    /** The exit code of each kind of configuration mistake; see the command's exit code list. */
    static int exitCode(InvalidConfigException.Problem problem) {
        return switch (problem) {
            case UNREADABLE_FILE -> 3;
            case SYNTAX -> 4;
            case UNKNOWN_KEY -> 5;
            case MISSING_KEY -> 6;
            case BAD_VALUE -> 7;
            case MISSING_FILE -> 8;
            case STORAGE -> STORAGE;
        };
    }

    @Override
    public Integer call() throws InterruptedException {
        ReplicaServer server;
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        if (classpath != null) {
            try {
                classLoader = ClassPath.loader(ClassPath.expand(classpath, Path.of("")), classLoader);
            } catch (IllegalArgumentException e) {
                err.println("ratis-sm server: --classpath: " + e.getMessage());
                return USAGE;
            }
        }
        try {
            ReplicaConfig replica = ReplicaConfig.load(config, BundledStateMachines.BY_NAME, classLoader);
            server = replica.serverBuilder().build();
            LOG.info(
                    "{}: starting from {} ({} state machine, group {}, storage {}{})",
                    replica.id(),
                    config,
                    replica.stateMachineName(),
                    replica.group(),
                    replica.storage(),
                    replica.join() ? ", joining: waiting to be added" : "");
        } catch (InvalidConfigException e) {
            err.println("ratis-sm server: " + e.getMessage()
                    + (e.getCause() instanceof ClassNotFoundException || e.getCause() instanceof LinkageError
                            ? WHERE_CLASSES_COME_FROM
                            : ""));
            return exitCode(e.problem());
        }
        try {
            server.start();
        } catch (IOException e) {
            return startFailure(server, e);
        }
        LOG.info("{}: serving on {}", server.id(), server.address());
        AtomicBoolean signalled = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(server, signalled), "ratis-sm-shutdown"));
        server.awaitStopped();
        if (signalled.get()) {
            return 0;
        }
        String because = server.stoppedBecause().orElse("stopped");
        if (because.startsWith("removed from")) {
            LOG.info("{}: stopped: {}", server.id(), because);
            return 0;
        }
        err.println("ratis-sm server: " + server.id() + " stopped by itself: " + because);
        return CLOSED_BY_RATIS;
    }

    /**
     * SIGTERM/SIGINT: stop the replica cleanly, then end the JVM with 0 rather than the signal's 143/130, so that a
     * supervisor sees a clean stop as one. Runs as a shutdown hook; if the replica already stopped (removed from the
     * group), the exit is under way with its own code and there is nothing to do.
     */
    private static void stopOnSignal(ReplicaServer server, AtomicBoolean signalled) {
        if (server.isStopped()) {
            return;
        }
        signalled.set(true);
        LOG.info("{}: signal received, stopping", server.id());
        try {
            server.close();
            LOG.info("{}: stopped cleanly", server.id());
        } catch (RuntimeException e) {
            LOG.error("{}: did not stop cleanly: {}", server.id(), e.toString());
            Runtime.getRuntime().halt(FAILED);
        }
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    private int startFailure(ReplicaServer server, IOException e) {
        if (e instanceof StorageRecoveryException) {
            err.println("ratis-sm server: " + e.getMessage());
            return REPLACE_STORAGE;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                err.println("ratis-sm server: " + server.id() + " cannot listen on " + server.address()
                        + ": the port is in use (another replica or program on it?)");
                return PORT_IN_USE;
            }
        }
        err.println("ratis-sm server: " + server.id() + " cannot start on its storage: " + e.getMessage()
                + (String.valueOf(e.getMessage()).contains("locked") ? " (is another replica running on it?)" : ""));
        return STORAGE;
    }
}

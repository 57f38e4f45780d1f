package io.ratissm.cli;

import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.ConnectionRefusedException;
import io.ratissm.FailStoppedException;
import io.ratissm.GroupAdmin;
import io.ratissm.GroupNotFoundException;
import io.ratissm.RatisSmException;
import io.ratissm.ReplicaMisaddressedException;
import io.ratissm.Tls;
import io.ratissm.UnavailableException;
import io.ratissm.internal.config.SettingType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * How the {@code client} and {@code admin} commands reach a group, and the exit codes they share. The options are
 * inherited by every subcommand, so they may come before or after it.
 */
final class GroupOptions {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    /** The only code whose outcome is unknown. */
    static final int UNAVAILABLE = 3;

    static final int TOO_LARGE = 4;
    static final int NO_SUCH_GROUP = 5;
    static final int MISADDRESSED = 6;
    static final int CONNECTION_REFUSED = 7;
    static final int FAIL_STOPPED = 8;

    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_NO_SUCH_GROUP =
            "5:the replicas at --peers serve no group named --group: check both " + "(definite: they applied nothing)";
    static final String EXIT_MISADDRESSED = "6:--peers gives a replica id another replica's address (the message names"
            + " both; definite: the replicas that answered applied nothing)";
    static final String EXIT_CONNECTION_REFUSED = "7:every replica at --peers refused the connection: no replica is"
            + " running there, the addresses are wrong, or the replicas stopped serving, e.g. for a full disk"
            + " (see their health) (definite: nothing was sent)";
    static final String EXIT_FAIL_STOPPED = "8:the group's replicas are fail-stopped by a bug in the state machine: the"
            + " message names each one's exception and log index; restart them with a fixed state machine (definite:"
            + " the command was refused before the log; one that may be in the log exits with 3)";

    @Option(
            names = "--peers",
            scope = ScopeType.INHERIT,
            paramLabel = "ID=HOST:PORT,...",
            defaultValue = "${env:RATIS_SM_PEERS}",
            description = "Replicas of the group, comma separated (default: $RATIS_SM_PEERS).")
    String peers;

    @Option(
            names = "--group",
            scope = ScopeType.INHERIT,
            defaultValue = "ratis-sm",
            description = "The group's name (default ${DEFAULT-VALUE}).")
    String group;

    @Option(
            names = "--timeout",
            scope = ScopeType.INHERIT,
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to keep trying, e.g. 500ms, 10s, 2m (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--tls-cert",
            scope = ScopeType.INHERIT,
            paramLabel = "PEM",
            description = "For a group with TLS on: this client's certificate chain (with --tls-key, --tls-trust).")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            scope = ScopeType.INHERIT,
            paramLabel = "PEM",
            description = "This client's private key, PKCS#8 PEM.")
    Path tlsKey;

    @Option(
            names = "--tls-trust",
            scope = ScopeType.INHERIT,
            paramLabel = "PEM",
            description = "The CA certificates the replicas' certificates are signed by.")
    Path tlsTrust;

    /** The client's TLS files, if given; all three or none. */
    Optional<Tls> tls() {
        if (tlsCert == null && tlsKey == null && tlsTrust == null) {
            return Optional.empty();
        }
        if (tlsCert == null || tlsKey == null || tlsTrust == null) {
            throw new IllegalArgumentException("TLS needs --tls-cert, --tls-key and --tls-trust together");
        }
        return Optional.of(Tls.fromPem(tlsCert, tlsKey, tlsTrust));
    }

    String peers() {
        if (peers == null || peers.isBlank()) {
            throw new IllegalArgumentException("--peers is required (or set RATIS_SM_PEERS), e.g. "
                    + "--peers n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003");
        }
        return peers;
    }

    /** An action against the group, whose failures become a message and an exit code. */
    interface Action {
        int run() throws CommandRejected;
    }

    /**
     * Runs {@code action} and turns its failure into a message on {@code err} and an exit code: a definite failure
     * (refused, too large, no such group, a misaddressed replica, no server at any address, fail-stopped replicas)
     * gets its own code; only an answer that never came, or a command that may be in the log of fail-stopped replicas,
     * gets {@link #UNAVAILABLE}, the code of an unknown outcome.
     */
    int run(String command, PrintStream err, Action action) {
        try {
            return action.run();
        } catch (IllegalArgumentException e) {
            err.println("ratis-sm " + command + ": " + e.getMessage());
            return USAGE;
        } catch (ConnectionRefusedException e) {
            err.println("ratis-sm " + command + ": connection refused: " + e.getMessage());
            return CONNECTION_REFUSED;
        } catch (FailStoppedException e) {
            err.println("ratis-sm " + command + ": fail-stopped: " + e.getMessage());
            return e.outcomeUnknown() ? UNAVAILABLE : FAIL_STOPPED;
        } catch (UnavailableException e) {
            Optional<RatisSmException> definite = e.definiteCause(group, peers());
            if (definite.isPresent() && definite.get() instanceof GroupNotFoundException) {
                // Definite only if no replica of --peers serves the group: a removed replica answers so too.
                definite = noReplicaServesTheGroup();
            }
            if (definite.isPresent()) {
                return definite(command, err, definite.get());
            }
            err.println("ratis-sm " + command + ": " + e.getMessage());
            return UNAVAILABLE;
        } catch (GroupNotFoundException | ReplicaMisaddressedException e) {
            return definite(command, err, e);
        } catch (CommandTooLarge e) {
            err.println("ratis-sm " + command + ": too large: " + e.getMessage());
            return TOO_LARGE;
        } catch (CommandRejected | RatisSmException e) {
            err.println("ratis-sm " + command + ": refused: " + e.getMessage());
            return REFUSED;
        }
    }

    private Optional<RatisSmException> noReplicaServesTheGroup() {
        try (GroupAdmin admin = GroupAdmin.builder()
                .peers(peers())
                .group(group)
                .tls(tls().orElse(null))
                .timeout(timeout)
                .build()) {
            admin.status();
            return Optional.empty();
        } catch (GroupNotFoundException e) {
            return Optional.of(e);
        }
    }

    private static int definite(String command, PrintStream err, RatisSmException e) {
        boolean noGroup = e instanceof GroupNotFoundException;
        err.println("ratis-sm " + command + ": " + (noGroup ? "no such group: " : "wrong address: ") + e.getMessage()
                + " (the replicas that answered applied nothing)");
        return noGroup ? NO_SUCH_GROUP : MISADDRESSED;
    }

    /** Durations as the configuration file writes them: 500ms, 10s, 2m, 1h. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return SettingType.DURATION_TEXT.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Awaits;
import io.ratissm.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code server} serves a user's state machine from a jar of its own, found in each of the three places it looks: the
 * configuration file's {@code classpath} key, the {@code --classpath} option, and the distribution's {@code lib/ext}
 * directory (through the launcher). A class found in none of them is exit 7, and the message names all three.
 */
class UserStateMachineTest {
    @TempDir
    Path dir;

    @Test
    void theClasspathKeyOfTheConfigurationFileServesTheUsersJar() throws Exception {
        UserJar.build(dir.resolve("jars"), "user-state-machine.jar");
        String peer = "n1=127.0.0.1:" + FreePorts.next();
        // Relative to the configuration file's directory, as storage is.
        Path config = config(peer, "classpath = jars/*.jar");

        try (ReplicaProcess n1 = ReplicaProcess.start(config)) {
            assertServesTheUsersStateMachine(n1, peer);
        }
    }

    @Test
    void theClasspathOptionServesTheUsersJar() throws Exception {
        Path jar = UserJar.build(dir.resolve("elsewhere"), "user-state-machine.jar");
        String peer = "n1=127.0.0.1:" + FreePorts.next();
        Path config = config(peer);

        try (ReplicaProcess n1 = ReplicaProcess.start(config, "--classpath", jar.toString())) {
            assertServesTheUsersStateMachine(n1, peer);
        }
    }

    @Test
    void theLaunchersLibExtDirectoryServesTheUsersJar() throws Exception {
        Path ext = dir.resolve("ext");
        UserJar.build(ext, "user-state-machine.jar");
        String peer = "n1=127.0.0.1:" + FreePorts.next();
        Path config = config(peer);

        try (ReplicaProcess n1 = ReplicaProcess.startWithLauncher(config, Map.of("RATIS_SM_EXT", ext.toString()))) {
            assertServesTheUsersStateMachine(n1, peer);
        }
    }

    @Test
    void aClassInNoneOfTheThreePlacesIsExit7NamingThemAll() throws IOException {
        UserJar.build(dir.resolve("jars"), "user-state-machine.jar");
        Path config = config("n1=127.0.0.1:7001");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = new CommandLine(new ServerCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute("--config", config.toString());

        assertThat(exit).isEqualTo(7);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("'" + UserJar.CLASS_NAME + "' is neither one of [bank, counter, journal, kv, set]")
                .contains("the configuration file's 'classpath' key")
                .contains("the --classpath option")
                .contains("the distribution's lib/ext directory");
        assertThat(dir.resolve("data")).as("nothing is written").doesNotExist();
    }

    @Test
    void aClasspathKeyNamingNoJarIsExit8AndAnOptionNamingNoJarIsExit2() throws IOException {
        Files.createDirectories(dir.resolve("jars"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ServerCommand server = new ServerCommand(new PrintStream(err, true, StandardCharsets.UTF_8));

        int keyExit = new CommandLine(server)
                .execute(
                        "--config",
                        config("n1=127.0.0.1:7001", "classpath = jars/*.jar").toString());
        int optionExit = new CommandLine(server)
                .execute("--config", config("n1=127.0.0.1:7001").toString(), "--classpath", "nowhere.jar");

        assertThat(keyExit).isEqualTo(8);
        assertThat(optionExit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("line 5: classpath: 'jars/*.jar' matches no jar in " + dir.resolve("jars"))
                .contains("--classpath: no such jar or directory "
                        + Path.of("nowhere.jar").toAbsolutePath());
    }

    private Path config(String peer, String... more) throws IOException {
        return ReplicaProcess.writeConfig(dir, peer, UserJar.CLASS_NAME, more);
    }

    /** The replica runs the user's class (the log names it, from the user's package) and answers through it. */
    private static void assertServesTheUsersStateMachine(ReplicaProcess n1, String peer) throws Exception {
        Awaits.await(
                "n1 serves (or exits; its log says why)",
                Duration.ofSeconds(60),
                () -> !n1.isAlive() || client(peer, "value").exit() == 0);
        assertThat(n1.isAlive()).as("n1 is running; its log:%n%s", n1.log()).isTrue();

        assertThat(client(peer, "add", "5").out()).isEqualTo("5\n");
        assertThat(client(peer, "add", "2").out()).isEqualTo("7\n");
        assertThat(client(peer, "value").out()).isEqualTo("7\n");
        assertThat(n1.log()).contains("(" + UserJar.CLASS_NAME + " state machine");
        assertThat(n1.terminate()).isZero();
    }

    private static ClientRun.Result client(String peer, String... args) {
        return ClientRun.run(peer, "5s", args);
    }
}

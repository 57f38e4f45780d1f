package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tarball {@code mvn package} builds, as an operator unpacks it: the launcher, the jars server, client and admin
 * run on and nothing of the harness or the benchmarks, the example configuration and the licences. Runs in the
 * integration-test phase, after the tarball is built; the path comes from the build (property
 * {@code ratissm.distribution}).
 */
class DistributionTest {
    private static final String OUR_JARS = "ratis-sm-";
    private static Path tarball;
    private static String base;
    private static Map<String, TarArchiveEntry> entries;
    private static Map<String, String> texts;

    @BeforeAll
    static void readTarball() throws IOException {
        String property = System.getProperty("ratissm.distribution");
        if (property == null) {
            fail("the property ratissm.distribution names no tarball: run this test through 'mvn verify'");
        }
        tarball = Path.of(property);
        assertThat(tarball).as("the distribution built by mvn package").isRegularFile();
        base = tarball.getFileName().toString().replace(".tar.gz", "") + "/";
        entries = new TreeMap<>();
        texts = new TreeMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.put(e.getName(), e);
                if (!e.getName().endsWith(".jar") && !e.isDirectory()) {
                    texts.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void everythingIsUnderOneDirectoryNamedAfterTheVersion() {
        assertThat(entries.keySet()).allMatch(name -> name.startsWith(base), "starts with " + base);
    }

    @Test
    void theLauncherIsExecutableAndRunsTheDistributionsOwnJars() {
        TarArchiveEntry launcher = entries.get(base + "bin/ratis-sm");
        assertThat(launcher).as("bin/ratis-sm").isNotNull();
        assertThat(launcher.getMode() & 0111).as("execute bits of bin/ratis-sm").isEqualTo(0111);
        assertThat(texts.get(base + "bin/ratis-sm")).contains("$home/lib/*", Launcher.class.getName());
    }

    @Test
    void libExtIsThereForAUsersJarsAndTheLauncherPutsThemOnTheClasspath() {
        assertThat(texts.get(base + "lib/ext/README"))
                .as("lib/ext/README")
                .contains("state-machine = ", "'classpath' key", "--classpath");
        assertThat(texts.get(base + "bin/ratis-sm")).contains("${RATIS_SM_EXT:-$home/lib/ext}/*");
    }

    @Test
    void libHoldsTheServerClientAndAdminJarsAndNoHarnessBenchmarkOrTestJars() {
        Set<String> jars = libJars();
        assertThat(jars)
                .anyMatch(j -> j.matches("ratis-sm-\\d.*\\.jar"))
                .anyMatch(j -> j.startsWith("ratis-sm-statemachines-"))
                .anyMatch(j -> j.startsWith("ratis-sm-cli-"))
                .anyMatch(j -> j.startsWith("ratis-server-"))
                .anyMatch(j -> j.startsWith("ratis-grpc-"))
                .anyMatch(j -> j.startsWith("protobuf-java-"))
                .anyMatch(j -> j.startsWith("picocli-"))
                .anyMatch(j -> j.startsWith("slf4j-simple-"));
        assertThat(jars)
                .noneMatch(j -> j.contains("jmh")
                        || j.contains("jfreechart")
                        || j.contains("jepsen")
                        || j.contains("bench")
                        || j.contains("HdrHistogram")
                        || j.endsWith("-tests.jar")
                        || j.contains("junit")
                        || j.contains("assertj")
                        || j.contains("bcpkix"));
    }

    @Test
    void theConfigurationExampleAndTheLicencesAreIncluded() throws IOException {
        assertThat(texts.get(base + "conf/replica.properties"))
                .isEqualTo(Files.readString(Path.of("src/main/dist/conf/replica.properties")));
        assertThat(texts.get(base + "LICENSE"))
                .as("LICENSE")
                .isEqualTo(Files.readString(Path.of("../LICENSE")))
                .contains("Apache License", "Version 2.0, January 2004");
        assertThat(texts).containsKey(base + "THIRD-PARTY");
    }

    @Test
    void thirdPartyListsExactlyTheOtherProjectsJarsInLib() {
        Set<String> listed = texts.get(base + "THIRD-PARTY")
                .lines()
                .map(line -> line.split("\\s+")[0])
                .filter(first -> first.endsWith(".jar"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> theirs =
                libJars().stream().filter(j -> !j.startsWith(OUR_JARS)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed)
                .as("jars named in THIRD-PARTY (update it when a dependency changes)")
                .isEqualTo(theirs);
    }

    private static Set<String> libJars() {
        String lib = base + "lib/";
        return entries.keySet().stream()
                .filter(n -> n.startsWith(lib) && n.endsWith(".jar"))
                .map(n -> n.substring(lib.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}

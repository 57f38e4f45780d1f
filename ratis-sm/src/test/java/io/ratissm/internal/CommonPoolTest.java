package io.ratissm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.ReplicaClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each case runs a JVM of its own that sees 2 processors ({@code -XX:ActiveProcessorCount=2}), where the JDK would
 * give the common pool a parallelism of 1 and {@code CompletableFuture} would start a thread per async task.
 */
class CommonPoolTest {

    /** The child JVM: optionally uses the common pool first, then loads ReplicaClient, then reports. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("pool-used-first")) {
            ForkJoinPool.commonPool().submit(() -> {}).get();
        }
        ReplicaClient.builder(); // loads the class, as any use of ratis-sm does
        String thread = CompletableFuture.supplyAsync(
                        () -> Thread.currentThread().getName())
                .get();
        System.out.println("parallelism=" + ForkJoinPool.getCommonPoolParallelism() + " async-thread=" + thread);
    }

    @Test
    void onTwoProcessorsRatisSmGivesTheCommonPoolTwoThreadsSoAsyncTasksDoNotEachStartAThread() throws Exception {
        String out = child(List.of());

        assertThat(out).contains("parallelism=2", "async-thread=ForkJoinPool.commonPool-worker-");
        assertThat(out).doesNotContain("WARN");
    }

    @Test
    void aParallelismTheUserSetIsKeptAndWarnedAbout() throws Exception {
        String out = child(List.of("-D" + CommonPool.PARALLELISM + "=1"));

        assertThat(out).contains("parallelism=1", "async-thread=Thread-");
        assertThat(out).contains("WARN", "start the JVM with -D" + CommonPool.PARALLELISM + "=2");
    }

    @Test
    void aCommonPoolAlreadyInUseCannotBeChangedAndIsWarnedAbout() throws Exception {
        String out = child(List.of(), "pool-used-first");

        assertThat(out).contains("parallelism=1", "start the JVM with -D" + CommonPool.PARALLELISM + "=2");
    }

    private static String child(List<String> jvmArgs, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:ActiveProcessorCount=2");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(jvmArgs);
        command.add("-cp");
        String surefire = System.getProperty("surefire.test.class.path");
        command.add(surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path"));
        command.add(CommonPoolTest.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}

package io.ratissm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A user's state machine as a user ships it: a class compiled at test time into a jar of its own, which is not on the
 * test classpath, so that only a class loader over that jar finds it. The class counts double (it adds twice the
 * delta), so that its replies tell it from the bundled counter.
 */
final class UserJar {
    /** The class name a configuration's {@code state-machine} key gives. */
    static final String CLASS_NAME = "com.example.user.DoubleCounter";

    private static final String SOURCE = """
            package com.example.user;

            import com.google.protobuf.Message;
            import io.ratissm.ProtoStateMachine;
            import io.ratissm.statemachines.proto.CounterCommand;
            import io.ratissm.statemachines.proto.CounterQuery;
            import io.ratissm.statemachines.proto.CounterValue;
            import java.io.DataInputStream;
            import java.io.DataOutputStream;
            import java.io.IOException;
            import java.io.InputStream;
            import java.io.OutputStream;

            public class DoubleCounter extends ProtoStateMachine<CounterCommand, CounterQuery> {
                private long value;

                public DoubleCounter() {
                    super(CounterCommand.parser(), CounterQuery.parser());
                }

                @Override
                protected Message apply(CounterCommand c) {
                    value += 2 * c.getAdd();
                    return CounterValue.newBuilder().setValue(value).build();
                }

                @Override
                protected Message query(CounterQuery q) {
                    return CounterValue.newBuilder().setValue(value).build();
                }

                @Override
                public void writeSnapshot(OutputStream out) throws IOException {
                    new DataOutputStream(out).writeLong(value);
                }

                @Override
                public void readSnapshot(InputStream in) throws IOException {
                    value = new DataInputStream(in).readLong();
                }
            }
            """;

    private UserJar() {}

    /** Compiles the class against this JVM's classpath and writes {@code dir/name}, a jar holding only it. */
    static Path build(Path dir, String name) {
        Path classes = Javac.compile(dir, Map.of("com/example/user/DoubleCounter.java", SOURCE));
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(
                        new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }
}

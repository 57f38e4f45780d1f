package io.ratissm.jepsen.nodes;

import io.ratissm.internal.config.ClassPath;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A user's classes named on the command line ({@code --state-machine}, {@code --workload}, {@code --generator}), found
 * on the harness's classpath and then in {@code --classpath}, and checked before anything starts so that a wrong name
 * fails at once with what to do ({@link UnusableClassException}).
 */
public final class UserClasses {
    private UserClasses() {}

    /**
     * A class named on the command line that the harness cannot use: it is missing, does not load, is not the kind of
     * class the flag takes, has no public constructor without arguments, or its constructor threw. The message starts
     * with the flag and says what to do; {@link #kind()} is what the flag takes ({@code StateMachine}, {@code
     * Workload}, ...), so that the command line can give each its own exit code.
     */
    public static final class UnusableClassException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient Class<?> kind;

        public UnusableClassException(Class<?> kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        /** The interface the class had to implement. */
        public Class<?> kind() {
            return kind;
        }
    }

    /** A loader of the harness's classes first, then {@code classpath}'s. */
    public static ClassLoader loader(List<Path> classpath) {
        return classpath.isEmpty()
                ? UserClasses.class.getClassLoader()
                : ClassPath.loader(classpath, UserClasses.class.getClassLoader());
    }

    /**
     * The public constructor without arguments of the concrete {@code kind} named {@code name}.
     *
     * @param flag the command-line flag that named it, which starts every message
     * @throws UnusableClassException if the class cannot be found or loaded, is not a concrete {@code kind}, or has no
     *                                public constructor without arguments
     */
    public static <T> Constructor<? extends T> constructor(
            String flag, String name, Class<T> kind, ClassLoader loader, List<Path> classpath) {
        String where =
                classpath.isEmpty() ? "; give its jar (and the jars it needs) with --classpath" : " or in " + classpath;
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new UnusableClassException(
                    kind, flag + ": no class " + name + " on the harness's classpath" + where, null);
        } catch (LinkageError e) {
            throw new UnusableClassException(
                    kind,
                    flag + ": class " + name + " does not load (" + e + "); are the jars it needs in --classpath?",
                    e);
        }
        return constructor(flag, type, kind);
    }

    /**
     * The public constructor without arguments of {@code type}, which must be a concrete {@code kind}.
     *
     * @throws UnusableClassException if it is not, or has no such constructor
     */
    public static <T> Constructor<? extends T> constructor(String flag, Class<?> type, Class<T> kind) {
        String name = type.getName();
        if (!kind.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            throw new UnusableClassException(
                    kind, flag + ": class " + name + " is not a concrete implementation of " + kind.getName(), null);
        }
        try {
            return type.asSubclass(kind).getConstructor(); // public ones only: the harness and replicas need one
        } catch (NoSuchMethodException e) {
            throw new UnusableClassException(
                    kind,
                    flag + ": class " + name
                            + " has no public constructor without arguments, which the harness and the replicas make"
                            + " it with",
                    null);
        } catch (LinkageError e) {
            throw new UnusableClassException(
                    kind,
                    flag + ": class " + name + " does not load (" + e + "); are the jars it needs in --classpath?",
                    e);
        }
    }

    /**
     * A new instance from {@code constructor}.
     *
     * @param flag the command-line flag that named its class, which starts the message
     * @throws UnusableClassException if the constructor (or the class's static initialiser) throws; the message names
     *                                the exception and where it was thrown, the cause carries its stack trace
     */
    public static <T> T instance(String flag, Constructor<? extends T> constructor, Class<T> kind) {
        String name = constructor.getDeclaringClass().getName();
        Throwable thrown;
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        } catch (ExceptionInInitializerError e) {
            thrown = e.getCause() != null ? e.getCause() : e;
        } catch (ReflectiveOperationException | LinkageError e) {
            thrown = e;
        }
        throw new UnusableClassException(
                kind, flag + ": new " + name + "() threw " + thrown + at(thrown, name), thrown);
    }

    /** Where in the user's class {@code thrown} came from, e.g. {@code " at com.acme.Queue.<init>(Queue.java:12)"}. */
    private static String at(Throwable thrown, String className) {
        return Arrays.stream(thrown.getStackTrace())
                .filter(frame -> frame.getClassName().equals(className))
                .findFirst()
                .or(() -> Arrays.stream(thrown.getStackTrace()).findFirst())
                .map(frame -> " at " + frame)
                .orElse("");
    }
}

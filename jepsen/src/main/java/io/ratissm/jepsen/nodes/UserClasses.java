package io.ratissm.jepsen.nodes;

import io.ratissm.internal.config.ClassPath;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;

/**
 * A user's classes named on the command line ({@code --state-machine}, {@code --generator}), found on the harness's
 * classpath and then in {@code --classpath}, and checked before anything starts so that a wrong name fails at once
 * with what to do.
 */
public final class UserClasses {
    private UserClasses() {}

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
     * @throws IllegalArgumentException if the class cannot be found or loaded, is not a concrete {@code kind}, or has
     *                                  no public constructor without arguments
     */
    public static <T> Constructor<? extends T> constructor(
            String flag, String name, Class<T> kind, ClassLoader loader, List<Path> classpath) {
        String where =
                classpath.isEmpty() ? "; give its jar (and the jars it needs) with --classpath" : " or in " + classpath;
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(flag + ": no class " + name + " on the harness's classpath" + where);
        } catch (LinkageError e) {
            throw new IllegalArgumentException(
                    flag + ": class " + name + " does not load (" + e + "); are the jars it needs in --classpath?");
        }
        if (!kind.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException(
                    flag + ": class " + name + " is not a concrete implementation of " + kind.getName());
        }
        try {
            return type.asSubclass(kind).getConstructor(); // public ones only: the harness and replicas need one
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(flag + ": class " + name
                    + " has no public constructor without arguments, which the harness and the replicas make it with");
        }
    }
}

package io.ratissm.internal.config;

import io.ratissm.ReplicaServer;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One setting of a replica: its key in the configuration file, its name on {@link ReplicaServer.Builder}, its type,
 * its default, its bound and one line of documentation. {@link Settings} lists them all; the builder's defaults and
 * checks, the configuration file, {@code ratis-sm server --help} and the tables in the README and the javadoc of
 * {@code ReplicaConfig} are derived from that list. Immutable.
 *
 * @param <T> the type of the value
 */
public final class Setting<T extends Comparable<? super T>> {
    private final String key;
    private final String builderName;
    private final SettingType<T> type;
    private final T defaultValue;
    private final boolean required;
    private final T min;
    private final T max;
    private final String why;
    private final String doc;
    private final BiConsumer<ReplicaServer.Builder, T> apply;

    private Setting(
            String key,
            String builderName,
            SettingType<T> type,
            T defaultValue,
            boolean required,
            T min,
            T max,
            String why,
            String doc,
            BiConsumer<ReplicaServer.Builder, T> apply) {
        this.key = key;
        this.builderName = builderName;
        this.type = type;
        this.defaultValue = defaultValue;
        this.required = required;
        this.min = min;
        this.max = max;
        this.why = why;
        this.doc = doc;
        this.apply = apply;
    }

    /** A setting with no default that the configuration file must give (the file's reader applies it itself). */
    static <T extends Comparable<? super T>> Setting<T> required(String key, SettingType<T> type, String doc) {
        return new Setting<>(key, null, type, null, true, null, null, null, doc, null);
    }

    /** A setting with a default (null: none), applied to a builder with {@code apply} (null: by the file's reader). */
    static <T extends Comparable<? super T>> Setting<T> optional(
            String key,
            String builderName,
            SettingType<T> type,
            T defaultValue,
            String doc,
            BiConsumer<ReplicaServer.Builder, T> apply) {
        return new Setting<>(key, builderName, type, defaultValue, false, null, null, null, doc, apply);
    }

    /** This setting, accepting only values of at least {@code min}. */
    Setting<T> atLeast(T min) {
        return new Setting<>(key, builderName, type, defaultValue, required, min, max, why, doc, apply);
    }

    /** This setting, accepting only values from {@code min} to {@code max}. */
    Setting<T> between(T min, T max) {
        return new Setting<>(key, builderName, type, defaultValue, required, min, max, why, doc, apply);
    }

    /** This setting, with the reason for its bound, which its error message gives. */
    Setting<T> because(String why) {
        return new Setting<>(key, builderName, type, defaultValue, required, min, max, why, doc, apply);
    }

    /** The key in the configuration file. */
    public String key() {
        return key;
    }

    public SettingType<T> type() {
        return type;
    }

    /** The value used when none is given; empty for a required setting or one that is off by default. */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default, for a builder field. */
    public T defaultOrNull() {
        return defaultValue;
    }

    public boolean isRequired() {
        return required;
    }

    /** The least value allowed, if there is a bound below. */
    public Optional<T> minimum() {
        return Optional.ofNullable(min);
    }

    /** One line of documentation, with {@code `code`} in backquotes. */
    public String doc() {
        return doc;
    }

    /** The default as the file would write it: the value, {@code required}, or {@code none}. */
    public String defaultText() {
        return required ? "required" : defaultValue == null ? "none" : type.format(defaultValue);
    }

    /** What values are allowed: the type and the bound, e.g. {@code a duration, at least `50ms`}. */
    public String allowedText() {
        String bound = boundText();
        return type.description() + (bound.isEmpty() ? "" : ", " + bound);
    }

    private String boundText() {
        if (min != null && max != null) {
            return "`" + type.format(min) + "` to `" + type.format(max) + "`";
        }
        return min == null ? "" : "at least `" + type.format(min) + "`";
    }

    /**
     * Reads the value from its text and checks it against the bound.
     *
     * @throws IllegalArgumentException saying what is wrong with the text, without naming the key
     */
    public T parse(String text) {
        T value = type.parse(text);
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return value;
    }

    /**
     * Checks a value given to {@link ReplicaServer.Builder}.
     *
     * @throws IllegalArgumentException naming the builder's setting, the bound and the value
     */
    public T check(T value) {
        String problem = value == null ? "must not be null" : problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(builderName + " " + problem);
        }
        return value;
    }

    /** Sets {@code value} on {@code builder}, if this setting is one the builder takes as it is. */
    public boolean applyTo(ReplicaServer.Builder builder, T value) {
        if (apply == null) {
            return false;
        }
        apply.accept(builder, value);
        return true;
    }

    /** Whether {@link #applyTo} sets this setting; the file's reader handles the others itself. */
    public boolean appliesToBuilder() {
        return apply != null;
    }

    private String problem(T value) {
        if ((min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0)) {
            return null;
        }
        return "must be " + boundText().replace("`", "") + (why == null ? "" : " (" + why + ")") + ", was "
                + type.format(value);
    }

    @Override
    public String toString() {
        return key;
    }
}

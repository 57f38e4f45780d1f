package io.ratissm.jepsen.history;

/**
 * An EDN symbol other than {@code nil}, {@code true} and {@code false}, kept by name so that it can be written
 * back unchanged. Histories rarely contain symbols; they are carried, never interpreted.
 */
public record Symbol(String name) {
    @Override
    public String toString() {
        return name;
    }
}

package io.ratissm.jepsen.history;

/**
 * An EDN tagged element such as {@code #inst "2020-01-01"} or a Clojure record tag. The checker does not
 * interpret tags; it keeps them so that values compare and print faithfully.
 */
public record Tagged(String tag, Object value) {
    @Override
    public String toString() {
        return "#" + tag + " " + EdnWriter.write(value);
    }
}

package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several faults in the same window, named on the command line with {@code +}, e.g.
 * {@code partition-leader+clock-rate-leader}: {@link #start} starts them in the order given, {@link #stop} stops
 * them in reverse order (each one, even if another fails); the recorded value is the list of their values in
 * that order.
 */
final class CompositeNemesis implements Nemesis {
    private final List<Nemesis> parts;

    CompositeNemesis(List<Nemesis> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public String name() {
        return parts.stream().map(Nemesis::name).collect(Collectors.joining("+"));
    }

    @Override
    public Object start() {
        List<Object> values = new ArrayList<>();
        for (Nemesis n : parts) {
            values.add(n.start());
        }
        return values;
    }

    @Override
    public Object stop() {
        List<Object> values = new ArrayList<>();
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                values.add(parts.get(i).stop());
            } catch (RuntimeException e) {
                // the other parts must still be healed
                values.add(List.of(Keyword.of("error"), String.valueOf(e.getMessage())));
            }
        }
        return values;
    }
}

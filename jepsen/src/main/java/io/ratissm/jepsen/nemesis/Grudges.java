package io.ratissm.jepsen.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Partition shapes as grudges: for each node, the nodes whose packets it drops. Every grudge here is symmetric,
 * so a cut link is cut both ways. Pure functions of their (already shuffled) input.
 */
public final class Grudges {
    private Grudges() {}

    /** Two halves, the smaller first ({@code [n1] | [n2 n3]}); nothing crosses between them. */
    public static Map<String, Set<String>> halves(List<String> nodes) {
        int cut = nodes.size() / 2;
        return complete(List.of(nodes.subList(0, cut), nodes.subList(cut, nodes.size())));
    }

    /** {@code node} alone against the rest. */
    public static Map<String, Set<String>> isolate(String node, List<String> nodes) {
        List<String> rest = new ArrayList<>(nodes);
        rest.remove(node);
        return complete(List.of(List.of(node), rest));
    }

    /**
     * Every node sees a majority, and no two nodes see the same one: the nodes in a ring, each keeping the links
     * to its nearest neighbours and losing the rest. With 5 nodes each one sees itself and its two neighbours.
     * With 3 nodes a ring has no link to lose, so one link is cut: the middle node of the resulting line sees
     * everyone, each end sees a different majority.
     */
    public static Map<String, Set<String>> majoritiesRing(List<String> nodes) {
        int n = nodes.size();
        Map<String, Set<String>> grudge = empty(nodes);
        if (n == 3) {
            grudge.get(nodes.get(0)).add(nodes.get(2));
            grudge.get(nodes.get(2)).add(nodes.get(0));
            return grudge;
        }
        int reach = (n / 2 + 1) / 2; // neighbours on each side, so that 2 * reach + 1 is a majority
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int distance = Math.min(Math.abs(i - j), n - Math.abs(i - j));
                if (distance > reach) {
                    grudge.get(nodes.get(i)).add(nodes.get(j));
                }
            }
        }
        return grudge;
    }

    private static Map<String, Set<String>> complete(List<List<String>> components) {
        Map<String, Set<String>> grudge = new LinkedHashMap<>();
        for (List<String> component : components) {
            for (String node : component) {
                Set<String> others = new LinkedHashSet<>();
                for (List<String> other : components) {
                    if (other != component) {
                        others.addAll(other);
                    }
                }
                grudge.put(node, others);
            }
        }
        return grudge;
    }

    private static Map<String, Set<String>> empty(List<String> nodes) {
        Map<String, Set<String>> grudge = new LinkedHashMap<>();
        for (String node : nodes) {
            grudge.put(node, new LinkedHashSet<>());
        }
        return grudge;
    }
}

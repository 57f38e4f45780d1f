package io.ratissm.internal.metrics;

import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.dropwizard3.Dm3RatisMetricRegistryImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects Ratis's JVM-wide metric registries to the per-replica (and per-client) registries of ratis-sm.
 *
 * <p>Ratis keeps one global {@link MetricRegistries} per JVM, with a registry per component and member (its
 * prefix is the member id, {@code n1@group-...}, or the peer id), created when a division starts and removed
 * when it closes. A {@link Subscription} names the prefixes it owns and receives, in its own Dropwizard
 * registry, every metric of those Ratis registries under Ratis's own names, as they are added and removed;
 * so several replicas in one JVM each see only their own, and a replica restarted in the same JVM sees the
 * registries of its new division.
 *
 * <p>Why this must be loaded before anything creates a Ratis registry: {@code ratis-metrics-dropwizard3}, when
 * no reporter registration exists at the first registry creation, enables its JMX reporter, which is compiled
 * against Dropwizard 3's {@code com.codahale.metrics.JmxReporter}/{@code ObjectNameFactory}; those moved to
 * {@code metrics-jmx} in Dropwizard 4, so that path fails with {@code NoClassDefFoundError} and Ratis cannot
 * build a server or client. Registering this class's hook first keeps that path from ever running. ratis-sm's
 * server and client call {@link #install()} before they build Ratis objects; code that uses Ratis directly in
 * a JVM with ratis-sm on the classpath must call it too.
 */
public final class RatisRegistries {
    private static final Logger LOG = LoggerFactory.getLogger(RatisRegistries.class);
    private static final Set<Subscription> SUBSCRIPTIONS = ConcurrentHashMap.newKeySet();

    static {
        MetricRegistries.global().addReporterRegistration(RatisRegistries::created, RatisRegistries::removed);
    }

    private RatisRegistries() {}

    /** Installs the hook into Ratis's global registries (once per JVM; later calls do nothing). */
    public static void install() {
        // The static initializer does the work; calling this method is what triggers it.
    }

    /**
     * Mirrors every Ratis registry whose prefix {@code owns} accepts into {@code target}, including registries
     * that exist already, until the subscription is closed.
     */
    public static Subscription subscribe(Predicate<String> owns, MetricRegistry target) {
        Subscription s = new Subscription(owns, target);
        SUBSCRIPTIONS.add(s);
        // Registries created before this subscription (or left behind by a previous one) are adopted here; one
        // created concurrently may arrive through the hook as well, which mirror() tolerates.
        MetricRegistries.global().getMetricRegistries().forEach(s::offer);
        return s;
    }

    /**
     * The prefixes of a server member's Ratis registries: its member id ({@code n1@group-...}) for the division's
     * registries, and its peer id for the server-wide gRPC message metrics.
     */
    public static Predicate<String> ofMember(String peerId, String memberId) {
        return prefix -> prefix.equals(memberId) || prefix.equals(peerId);
    }

    /** The prefixes of a Ratis client's registries: its gRPC connections are named {@code clientId->peerId}. */
    public static Predicate<String> ofClient(String clientId) {
        String connection = clientId + "->";
        return prefix -> prefix.startsWith(connection);
    }

    // Runs inside Ratis's registry map update: it only touches Dropwizard registries, never Ratis's map.
    private static void created(RatisMetricRegistry registry) {
        SUBSCRIPTIONS.forEach(s -> s.offer(registry));
    }

    private static void removed(RatisMetricRegistry registry) {
        SUBSCRIPTIONS.forEach(s -> s.drop(registry));
    }

    /** A live mirror of some Ratis registries into one Dropwizard registry. Close it with its owner. */
    public static final class Subscription implements AutoCloseable {
        private final Predicate<String> owns;
        private final MetricRegistry target;
        private final Map<RatisMetricRegistry, RegistryMirror> mirrors = new ConcurrentHashMap<>();

        private Subscription(Predicate<String> owns, MetricRegistry target) {
            this.owns = owns;
            this.target = target;
        }

        /** How many Ratis registries are mirrored now. */
        public int mirrored() {
            return mirrors.size();
        }

        private void offer(RatisMetricRegistry registry) {
            if (!owns.test(registry.getMetricRegistryInfo().getPrefix())) {
                return;
            }
            if (!(registry instanceof Dm3RatisMetricRegistryImpl dm3)) {
                LOG.warn(
                        "Ratis metric registry {} is a {}, not ratis-metrics-dropwizard3's; it is not published",
                        registry.getMetricRegistryInfo(),
                        registry.getClass().getName());
                return;
            }
            mirrors.computeIfAbsent(registry, r -> RegistryMirror.start(dm3.getDropWizardMetricRegistry(), target, ""));
        }

        private void drop(RatisMetricRegistry registry) {
            RegistryMirror m = mirrors.remove(registry);
            if (m != null) {
                m.close();
            }
        }

        @Override
        public void close() {
            SUBSCRIPTIONS.remove(this);
            mirrors.keySet().forEach(this::drop);
        }
    }
}

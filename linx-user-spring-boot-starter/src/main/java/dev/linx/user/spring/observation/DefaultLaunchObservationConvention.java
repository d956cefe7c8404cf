package dev.linx.user.spring.observation;

import dev.linx.user.Namespace;
import dev.linx.user.spring.observation.LaunchObservationDocumentation.HighCardinalityKeyNames;
import dev.linx.user.spring.observation.LaunchObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The default names of the {@code linx.user.launch} observation: low-cardinality keys {@code namespaces},
 * {@code isolated}, {@code prepared} and {@code outcome}, and the workload's {@code pid} as a high-cardinality key,
 * which reaches spans and never meters. Each key has its own protected method, so that a subclass can change one
 * (not final for that reason, as Spring's own default conventions are not).
 *
 * <pre>{@code
 * class NoPid extends DefaultLaunchObservationConvention {
 *     @Override
 *     public KeyValues getHighCardinalityKeyValues(LaunchObservationContext context) {
 *         return KeyValues.empty();   // keep pids out of traces too
 *     }
 * }
 * }</pre>
 */
public class DefaultLaunchObservationConvention implements LaunchObservationConvention {

    /** The name the observation, its timer and its span take unless told otherwise. */
    public static final String DEFAULT_NAME = "linx.user.launch";

    private static final String UNKNOWN = "unknown";

    private static final KeyValue ISOLATED = LowCardinalityKeyNames.ISOLATED.withValue("true");

    private static final KeyValue NOT_ISOLATED = LowCardinalityKeyNames.ISOLATED.withValue("false");

    private static final KeyValue PREPARED_OFF = LowCardinalityKeyNames.PREPARED.withValue("off");

    private static final KeyValue PREPARED_UNKNOWN = LowCardinalityKeyNames.PREPARED.withValue(UNKNOWN);

    private static final KeyValue PREPARED_HIT = LowCardinalityKeyNames.PREPARED.withValue("hit");

    private static final KeyValue PREPARED_MISS = LowCardinalityKeyNames.PREPARED.withValue("miss");

    private static final KeyValue OUTCOME_SUCCESS = LowCardinalityKeyNames.OUTCOME.withValue("success");

    private static final KeyValue OUTCOME_ERROR = LowCardinalityKeyNames.OUTCOME.withValue("error");

    private static final KeyValue OUTCOME_UNKNOWN = LowCardinalityKeyNames.OUTCOME.withValue(UNKNOWN);

    private final String name;

    /** The convention named {@value #DEFAULT_NAME}. */
    public DefaultLaunchObservationConvention() {
        this(DEFAULT_NAME);
    }

    /**
     * The default keys under another name.
     *
     * @param name the observation's name: the timer's and the span's
     */
    public DefaultLaunchObservationConvention(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(LaunchObservationContext context) {
        // The same keys at start and stop: what is not known yet is "unknown", so that every meter of this
        // observation (the timer, the active-starts timer, the event counters) keeps one set of tag keys.
        return KeyValues.of(namespaces(context), isolated(context), prepared(context), outcome(context));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LaunchObservationContext context) {
        return context.getWorkload().isPresent() ? KeyValues.of(pid(context)) : KeyValues.empty();
    }

    /**
     * The namespaces, lower-case, in {@link Namespace} order: {@code user,pid}.
     *
     * @param context the start
     * @return the {@code namespaces} key value
     */
    protected KeyValue namespaces(LaunchObservationContext context) {
        StringJoiner joined = new StringJoiner(",");
        EnumSet<Namespace> ordered = EnumSet.noneOf(Namespace.class);
        ordered.addAll(context.getNamespaces());
        for (Namespace namespace : ordered) {
            joined.add(namespace.name().toLowerCase(Locale.ROOT));
        }
        return LowCardinalityKeyNames.NAMESPACES.withValue(joined.toString());
    }

    /**
     * Whether the launcher is isolated.
     *
     * @param context the start
     * @return the {@code isolated} key value
     */
    protected KeyValue isolated(LaunchObservationContext context) {
        return context.isIsolated() ? ISOLATED : NOT_ISOLATED;
    }

    /**
     * Whether a prepared child was waiting.
     *
     * @param context the start
     * @return the {@code prepared} key value
     */
    protected KeyValue prepared(LaunchObservationContext context) {
        if (!context.hasPreparedChildren()) {
            return PREPARED_OFF;
        }
        return context.getPreparedResult()
            .map(result -> switch (result) {
                case HIT -> PREPARED_HIT;
                case MISS -> PREPARED_MISS;
            })
            .orElse(PREPARED_UNKNOWN);
    }

    /**
     * How the start ended.
     *
     * @param context the start
     * @return the {@code outcome} key value
     */
    protected KeyValue outcome(LaunchObservationContext context) {
        if (context.getError() != null) {
            return OUTCOME_ERROR;
        }
        return context.getWorkload().isPresent() ? OUTCOME_SUCCESS : OUTCOME_UNKNOWN;
    }

    /**
     * The workload's host pid; call it only once the workload runs.
     *
     * @param context the start
     * @return the {@code pid} key value
     */
    protected KeyValue pid(LaunchObservationContext context) {
        return HighCardinalityKeyNames.PID.withValue(Long.toString(context.getWorkload().orElseThrow().pid()));
    }
}

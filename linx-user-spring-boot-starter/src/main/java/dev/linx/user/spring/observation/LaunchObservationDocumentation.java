package dev.linx.user.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the starter: their key names and events, in the form Micrometer's documentation generator and
 * Spring's own instrumentation use.
 *
 * <pre>{@code
 * Observation launch = LaunchObservationDocumentation.LAUNCH.start(null, new DefaultLaunchObservationConvention(),
 *         () -> LaunchObservationContext.of(launcher), registry);
 * }</pre>
 */
public enum LaunchObservationDocumentation implements ObservationDocumentation {

    /**
     * One start of a {@code UserNamespaceLauncher}, from before anything is checked until the workload runs or the
     * start fails: {@code linx.user.launch}.
     */
    LAUNCH {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLaunchObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }

        @Override
        public Observation.Event[] getEvents() {
            return Events.values();
        }
    };

    /** Keys with a few values each: tags of the timer and of the span. */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * The namespaces the workload is started in, lower-case, in {@code Namespace} order, joined by commas:
         * {@code user}, {@code user,pid}.
         */
        NAMESPACES {
            @Override
            public String asString() {
                return "namespaces";
            }
        },

        /** Whether each workload gets its own block of host ids: {@code true} or {@code false}. */
        ISOLATED {
            @Override
            public String asString() {
                return "isolated";
            }
        },

        /**
         * Whether a prepared child was waiting: {@code hit}, {@code miss}, {@code off} for a launcher without
         * prepared children, {@code unknown} while the start has not asked (a start that failed before it did).
         */
        PREPARED {
            @Override
            public String asString() {
                return "prepared";
            }
        },

        /** How the start ended: {@code success}, {@code error}, or {@code unknown} while it runs. */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }
    }

    /** Keys with a value per start: span tags only, never meter tags. */
    public enum HighCardinalityKeyNames implements KeyName {

        /** The workload's pid as the host sees it, once it runs: to find it in {@code /actuator/userns}. */
        PID {
            @Override
            public String asString() {
                return "pid";
            }
        }
    }

    /** The phases of a start: span events, and counters named after the observation and the event. */
    public enum Events implements Observation.Event {

        /** The start's own child sits in its new namespaces (a prepared hit has no such phase). */
        PARKED {
            @Override
            public String getName() {
                return "parked";
            }
        },

        /** The child's maps are written (a prepared hit has no such phase). */
        MAPPED {
            @Override
            public String getName() {
                return "mapped";
            }
        },

        /** The workload runs. */
        RELEASED {
            @Override
            public String getName() {
                return "released";
            }
        }
    }
}

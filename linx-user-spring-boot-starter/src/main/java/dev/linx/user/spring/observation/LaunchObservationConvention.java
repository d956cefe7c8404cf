package dev.linx.user.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code linx.user.launch} observation and its key values. A bean of this type replaces
 * {@link DefaultLaunchObservationConvention}, as Spring Boot does for its own observations: extend the default to add
 * or rename a key, or implement this interface to decide everything.
 *
 * <pre>{@code
 * @Bean
 * LaunchObservationConvention launchObservationConvention() {
 *     return new DefaultLaunchObservationConvention("sandbox.start");   // the timer becomes sandbox.start
 * }
 * }</pre>
 */
public interface LaunchObservationConvention extends ObservationConvention<LaunchObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof LaunchObservationContext;
    }
}

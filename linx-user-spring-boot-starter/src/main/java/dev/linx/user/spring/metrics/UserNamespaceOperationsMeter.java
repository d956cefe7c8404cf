package dev.linx.user.spring.metrics;

import dev.linx.user.InvalidMappingException;
import dev.linx.user.UserNamespaceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Times one call of an operation and counts the kernel's rejection of it: the measuring shared by
 * {@link MeteredUserNamespaceOperations} and the class-based proxies of
 * {@link UserNamespaceOperationsMetricsPostProcessor}.
 *
 * <p>When one measured operations bean delegates to another (a decorator over the auto-configured bean, both
 * metered), the timer records only the outermost call on the thread, the call the application made rather than each
 * layer it went through; and each rejection is counted once, by the innermost layer it passes through, so that it is
 * counted even when an outer layer catches it (a fallback) and not again when the same exception passes the outer
 * layers.
 */
final class UserNamespaceOperationsMeter {

    static final String REJECTIONS = "linx.user.rejections";

    static final String OPERATIONS = "linx.user.operations";

    /** Set while the outermost measured call of this thread runs. */
    private static final ThreadLocal<Boolean> measuring = new ThreadLocal<>();

    /** The rejection already counted during the outermost call, so that the outer layers it passes skip it. */
    private static final ThreadLocal<UserNamespaceException> counted = new ThreadLocal<>();

    private final Supplier<@Nullable MeterRegistry> registry;

    /** @param registry where the meters go, looked up at each call; {@code null} leaves the call unmeasured */
    UserNamespaceOperationsMeter(Supplier<@Nullable MeterRegistry> registry) {
        this.registry = registry;
    }

    <T, E extends Throwable> T measure(Verb verb, Call<T, E> call) throws E {
        MeterRegistry registry = this.registry.get();
        if (registry == null) {
            return call.call();
        }
        boolean outermost = measuring.get() == null;
        if (outermost) {
            measuring.set(Boolean.TRUE);
        }
        long start = System.nanoTime();
        Outcome outcome = Outcome.ERROR;
        try {
            T result = call.call();
            outcome = Outcome.SUCCESS;
            return result;
        }
        catch (UserNamespaceException ex) {
            outcome = Outcome.REJECTED;
            if (counted.get() != ex) {
                counted.set(ex);
                Counter.builder(REJECTIONS)
                    .description("Kernel rejections of linx-user operations")
                    .tags(Tags.of("operation", ex.operation().label(), "errno",
                            ex.errno().name().toLowerCase(Locale.ROOT)))
                    .register(registry)
                    .increment();
            }
            throw ex;
        }
        catch (InvalidMappingException ex) {
            outcome = Outcome.INVALID;
            throw ex;
        }
        finally {
            if (outermost) {
                measuring.remove();
                counted.remove();
                Timer.builder(OPERATIONS)
                    .description("Calls of linx-user operations")
                    .tags(Tags.of("operation", verb.tag, "outcome", outcome.tag))
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** A measured call: an operation, or a proxied method invocation that may throw anything. */
    @FunctionalInterface
    interface Call<T, E extends Throwable> {

        T call() throws E;
    }

    /** The measured verbs of {@link dev.linx.user.UserNamespaceOperations}, as {@code operation} tag values. */
    enum Verb {

        READ_UID_MAP("readUidMap"), READ_GID_MAP("readGidMap"), READ_SETGROUPS("readSetgroups"),
        SET_UID_MAP("setUidMap"), SET_GID_MAP("setGidMap"), DENY_SETGROUPS("denySetgroups"),
        SETUP_MAPS("setupMaps");

        final String tag = name().toLowerCase(Locale.ROOT);

        private final String methodName;

        Verb(String methodName) {
            this.methodName = methodName;
        }

        /** The verb of an operations method, whichever overload; {@code null} for one that is not measured. */
        static @Nullable Verb ofMethod(String methodName) {
            for (Verb verb : values()) {
                if (verb.methodName.equals(methodName)) {
                    return verb;
                }
            }
            return null;
        }
    }

    /** How a call ended, as {@code outcome} tag values. */
    private enum Outcome {

        SUCCESS, REJECTED, INVALID, ERROR;

        final String tag = name().toLowerCase(Locale.ROOT);
    }
}

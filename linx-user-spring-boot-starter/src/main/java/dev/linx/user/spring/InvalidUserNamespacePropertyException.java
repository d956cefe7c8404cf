package dev.linx.user.spring;

import dev.linx.user.InvalidMappingException;
import org.jspecify.annotations.Nullable;

/**
 * A linx-user property whose value no binder refuses but linx-user does: a map that breaks a whole-map rule (overlap,
 * too many entries, too long), an enabled switch that is neither true nor false, an isolation pool that cannot be
 * had, a negative number of prepared children. Thrown while the context starts;
 * {@link UserNamespacePropertiesFailureAnalyzer} explains it.
 */
final class InvalidUserNamespacePropertyException extends RuntimeException {

    private final String property;
    private final String value;
    private final String problem;
    private final @Nullable String action;

    InvalidUserNamespacePropertyException(String property, String value, InvalidMappingException cause) {
        this(property, value, cause.getMessage() + " (" + cause.reason() + ")", null, cause);
    }

    InvalidUserNamespacePropertyException(String property, String value, String problem) {
        this(property, value, problem, null, null);
    }

    /**
     * @param action the fix, when it depends on more than the property (the analyzer's own text for the property
     *        otherwise)
     */
    InvalidUserNamespacePropertyException(String property, String value, String problem, @Nullable String action,
            @Nullable Throwable cause) {
        super("Invalid " + property + " " + value + ": " + problem, cause);
        this.property = property;
        this.value = value;
        this.problem = problem;
        this.action = action;
    }

    String property() {
        return this.property;
    }

    String value() {
        return this.value;
    }

    /** What is wrong with the value, for the failure analysis. */
    String problem() {
        return this.problem;
    }

    /** The fix, or null for the analyzer's own text for the property. */
    @Nullable String action() {
        return this.action;
    }
}

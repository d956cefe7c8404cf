package dev.linx.user.spring;

import dev.linx.user.InvalidMappingException;

/**
 * A linx-user property whose value no binder refuses but linx-user does: a map that breaks a whole-map rule (overlap,
 * too many entries, too long), an enabled switch that is neither true nor false. Thrown while the context starts;
 * {@link UserNamespacePropertiesFailureAnalyzer} explains it.
 */
final class InvalidUserNamespacePropertyException extends RuntimeException {

    private final String property;
    private final String value;
    private final String problem;

    InvalidUserNamespacePropertyException(String property, String value, InvalidMappingException cause) {
        this(property, value, cause.getMessage() + " (" + cause.reason() + ")", cause);
    }

    InvalidUserNamespacePropertyException(String property, String value, String problem) {
        this(property, value, problem, null);
    }

    private InvalidUserNamespacePropertyException(String property, String value, String problem, Throwable cause) {
        super("Invalid " + property + " " + value + ": " + problem, cause);
        this.property = property;
        this.value = value;
        this.problem = problem;
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
}

package dev.linx.user.spring;

import dev.linx.user.InvalidMappingException;

/**
 * A {@code linx.user.*} property whose entries are fine one by one but whose map breaks a whole-map rule (overlap, too
 * many entries, too long). Thrown while the context starts; {@link UserNamespacePropertiesFailureAnalyzer} explains it.
 */
final class InvalidUserNamespacePropertyException extends RuntimeException {

    private final String property;
    private final String value;

    InvalidUserNamespacePropertyException(String property, String value, InvalidMappingException cause) {
        super("Invalid " + property + " " + value + ": " + cause.getMessage(), cause);
        this.property = property;
        this.value = value;
    }

    String property() {
        return this.property;
    }

    String value() {
        return this.value;
    }

    InvalidMappingException mappingError() {
        return (InvalidMappingException) getCause();
    }
}

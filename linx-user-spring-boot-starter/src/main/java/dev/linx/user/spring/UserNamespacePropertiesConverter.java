package dev.linx.user.spring;

import dev.linx.user.IdMapping;
import dev.linx.user.IdRange;
import dev.linx.user.MappingStrategy;
import dev.linx.user.SetgroupsPolicy;
import java.util.Set;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Binds the text forms of {@code linx.user.*} values with the core's own parsers, so that a bad value fails with the
 * core's reason ({@code BAD_ENTRY}, {@code BAD_SETGROUPS}, {@code BAD_STRATEGY}) rather than a generic conversion
 * error: a map entry as {@code inside:outside:length} (or blank-separated), {@code deny} or {@code skip},
 * {@code auto}, {@code direct} or {@code helper} (any case), and a host id range as {@code start:count}.
 *
 * <p>One converter for the four types: each converter bean costs the application a bean definition and a class at
 * start-up.
 */
final class UserNamespacePropertiesConverter implements GenericConverter {

    private static final Set<ConvertiblePair> TYPES = Set.of(new ConvertiblePair(String.class, IdMapping.class),
            new ConvertiblePair(String.class, SetgroupsPolicy.class),
            new ConvertiblePair(String.class, MappingStrategy.class), new ConvertiblePair(String.class, IdRange.class));

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return TYPES;
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (source == null) {
            return null;
        }
        String text = (String) source;
        Class<?> type = targetType.getType();
        if (type == IdMapping.class) {
            return IdMapping.parse(text);
        }
        if (type == IdRange.class) {
            return IdRange.parse(text);
        }
        if (type == SetgroupsPolicy.class) {
            return SetgroupsPolicy.parse(text);
        }
        return MappingStrategy.parse(text);
    }
}

package dev.linx.user.spring;

import dev.linx.user.IdMapping;
import org.springframework.core.convert.converter.Converter;

/** Binds the text form of a map entry, {@code inside:outside:length} (or blank-separated), to an {@link IdMapping}. */
final class StringToIdMappingConverter implements Converter<String, IdMapping> {

    @Override
    public IdMapping convert(String source) {
        return IdMapping.parse(source);
    }
}

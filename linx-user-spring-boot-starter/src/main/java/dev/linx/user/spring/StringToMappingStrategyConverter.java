package dev.linx.user.spring;

import dev.linx.user.MappingStrategy;
import org.springframework.core.convert.converter.Converter;

/** Binds {@code auto}, {@code direct} or {@code helper} (any case) with the core's rule: anything else is {@code BAD_STRATEGY}. */
final class StringToMappingStrategyConverter implements Converter<String, MappingStrategy> {

    @Override
    public MappingStrategy convert(String source) {
        return MappingStrategy.parse(source);
    }
}

package dev.linx.user.spring;

import dev.linx.user.SetgroupsPolicy;
import org.springframework.core.convert.converter.Converter;

/** Binds {@code deny} or {@code skip} (any case) with the core's own rule, so a bad value is {@code BAD_SETGROUPS}. */
final class StringToSetgroupsPolicyConverter implements Converter<String, SetgroupsPolicy> {

    @Override
    public SetgroupsPolicy convert(String source) {
        return SetgroupsPolicy.parse(source);
    }
}

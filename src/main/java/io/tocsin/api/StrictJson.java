package io.tocsin.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;

/**
 * A JSON body that gives one key twice is refused (400 naming it) instead of silently keeping the last
 * value: which one a client meant is a guess, and two parsers can guess differently. The monitoring
 * endpoints parse with the same rule (ingest).
 */
@Configuration
class StrictJson {
    @Bean
    JsonMapperBuilderCustomizer refuseDuplicateKeys() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}

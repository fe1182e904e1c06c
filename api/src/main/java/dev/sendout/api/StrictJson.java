package dev.sendout.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Types are strict: a number or a boolean where the API takes a string is a mistake to report (a
 * 400 naming the field), not a value to turn silently into text such as "1.5e+300".
 */
@Configuration(proxyBeanMethods = false)
public class StrictJson {

  /**
   * A field given twice is ambiguous, not the last one's to win: {@code {"channel": "SMS",
   * "channel": "EMAIL"}} created an email sendout.
   */
  @Bean
  JsonMapperBuilderCustomizer noFieldTwice() {
    return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  }

  @Bean
  JsonMapperBuilderCustomizer noScalarsAsText() {
    return builder ->
        builder.withCoercionConfig(
            LogicalType.Textual,
            config ->
                config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }
}

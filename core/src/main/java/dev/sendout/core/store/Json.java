package dev.sendout.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.jooq.JSONB;

/** Conversion between the store's jsonb columns and Java values. */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot store value as JSON", e);
    }
  }

  public static <T> T read(JSONB json, Class<T> type) {
    try {
      return MAPPER.readValue(json.data(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored JSON does not match " + type.getSimpleName(), e);
    }
  }

  /** A JSON object as a mutable map, to change some of its fields. */
  public static Map<String, Object> readObject(JSONB json) {
    try {
      return MAPPER.readValue(
          json.data(), new TypeReference<java.util.LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored JSON is not an object", e);
    }
  }

  public static Map<String, String> readStringMap(JSONB json) {
    try {
      return MAPPER.readValue(json.data(), STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored variables are not a JSON object of strings", e);
    }
  }

  /** A nullable timestamp column as an instant. */
  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}

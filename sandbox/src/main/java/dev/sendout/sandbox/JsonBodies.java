package dev.sendout.sandbox;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Reads request bodies the way both fake providers accept them: as one JSON object. */
public final class JsonBodies {

  private JsonBodies() {}

  /** Returns the body as a JSON object, or null when it is empty, malformed or not an object. */
  public static JsonNode object(ObjectMapper objectMapper, byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode tree = objectMapper.readTree(body);
      return tree.isObject() ? tree : null;
    } catch (JacksonException e) {
      return null;
    }
  }
}

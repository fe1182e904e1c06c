package dev.sendout.sandbox;

import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints that do nothing, shaped like the engine's create and get: the ceiling that the API load
 * benchmark ({@code bench/api-load.py}) compares the engine with. They read the body and answer, in
 * a plain Spring Boot app on the same machine, so what they can sustain is what HTTP, Tomcat and
 * the load generator alone allow.
 */
@RestController
@RequestMapping("/sandbox/noop")
class NoopController {

  private static final String ID = "{\"id\":\"%s\"}";

  @PostMapping
  ResponseEntity<String> create(@RequestBody byte[] body) {
    return ResponseEntity.accepted()
        .contentType(MediaType.APPLICATION_JSON)
        .body(ID.formatted(UUID.randomUUID()));
  }

  @GetMapping("/{id}")
  ResponseEntity<String> get(@PathVariable String id) {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(ID.formatted(id));
  }
}

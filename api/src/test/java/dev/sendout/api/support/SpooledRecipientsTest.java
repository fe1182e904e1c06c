package dev.sendout.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.core.sendout.NewSendout;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class SpooledRecipientsTest {

  /** An NDJSON upload whose check stores each line's recipient as the api converts it. */
  private static UploadedRecipients upload(String ndjson) {
    return new UploadedRecipients(
        new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)),
        UploadedRecipients.Format.NDJSON,
        chunk ->
            chunk.stream()
                .map(
                    r ->
                        new NewSendout.Recipient(
                            r.email(), r.name(), r.variables(), r.externalId(), r.timeZone()))
                .toList(),
        JsonMapper.builder().build());
  }

  @TempDir Path directory;

  private List<Path> spoolFiles() throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  @Test
  void whatWasReadComesBackAsItWasInChunksWithItsLinesAndTheFileGoesOnClose() throws Exception {
    String long70k = "x".repeat(70_000);
    String ndjson =
        "{\"email\":\"a@example.com\",\"name\":\"Ann\",\"externalId\":\"e1\",\"timeZone\":\"Europe/Oslo\","
            + "\"variables\":{\"b\":\"2\",\"a\":\"\\ud800 lone\",\"long\":\""
            + long70k
            + "\"}}\n\n"
            + IntStream.range(0, UploadedRecipients.CHUNK + 1)
                .mapToObj(i -> "{\"email\":\"r" + i + "@example.com\"}")
                .collect(Collectors.joining("\n"));
    UploadedRecipients upload = upload(ndjson);

    List<List<NewSendout.Recipient>> chunks = new ArrayList<>();
    try (SpooledRecipients spooled = SpooledRecipients.spool(upload, directory)) {
      assertThat(spoolFiles()).hasSize(1);
      for (var chunk = spooled.next(); !chunk.isEmpty(); chunk = spooled.next()) {
        chunks.add(chunk);
      }
      assertThat(spooled.requestHash())
          .isEqualTo(
              HexFormat.of()
                  .formatHex(
                      MessageDigest.getInstance("SHA-256")
                          .digest(ndjson.getBytes(StandardCharsets.UTF_8))));
      // The store read the second chunk last: its recipients are named by their lines.
      assertThat(spooled.pointer(UploadedRecipients.CHUNK, "/email")).isEqualTo("#line=1002/email");
      assertThat(spooled.pointer(0, "/email")).isEqualTo("#recipient=1/email");
    }

    assertThat(chunks).extracting(List::size).containsExactly(UploadedRecipients.CHUNK, 2);
    NewSendout.Recipient first = chunks.get(0).get(0);
    Map<String, String> variables = new HashMap<>();
    variables.put("b", "2");
    variables.put("a", "\ud800 lone");
    variables.put("long", long70k);
    assertThat(first)
        .isEqualTo(
            new NewSendout.Recipient("a@example.com", "Ann", variables, "e1", "Europe/Oslo"));
    assertThat(first.variables().keySet()).containsExactly("b", "a", "long");
    assertThat(chunks.get(0).get(1))
        .isEqualTo(new NewSendout.Recipient("r0@example.com", null, null, null, null));
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void anUploadRefusedAsItIsReadLeavesNoFile() throws Exception {
    assertThatThrownBy(
            () ->
                SpooledRecipients.spool(upload("{\"email\":\"a@example.com\"}\n[1]\n"), directory))
        .isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> SpooledRecipients.spool(upload("\n"), directory))
        .isInstanceOf(ApiProblem.class);

    assertThat(spoolFiles()).isEmpty();
  }
}

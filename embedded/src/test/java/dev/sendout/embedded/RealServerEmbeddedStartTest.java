package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded default's own start of the real server (README's first command, once the server is
 * built): the CLI binary the tier uses, started as {@link TemporalDevServer} starts it, on free
 * ports, comes up with every search attribute of the code and its type. A type name the CLI does
 * not take (as {@code Keyword_list} once was, for {@code StuckReasons}) stops it at start.
 */
@ExtendWith(RealServer.class)
class RealServerEmbeddedStartTest {

  @Test
  void theServerTheEmbeddedDefaultStartsHasEverySearchAttributeWithItsType() throws Exception {
    var config =
        new TemporalDevServer.Config(
            RealServer.cli(),
            Files.createTempDirectory("embedded-start"),
            FreePorts.next(),
            "default");
    try (TemporalDevServer server = TemporalDevServer.start(config, FreePorts.next());
        var operator =
            new Closing(
                OperatorServiceStubs.newServiceStubs(
                    OperatorServiceStubsOptions.newBuilder()
                        .setTarget(server.address())
                        .validateAndBuildWithDefaults()))) {
      Map<String, IndexedValueType> expected = new LinkedHashMap<>();
      for (SearchAttributeKey<?> key : SendoutSearchAttributes.ALL) {
        expected.put(key.getName(), key.getValueType());
      }

      Map<String, IndexedValueType> listed =
          operator
              .stubs()
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace("default").build())
              .getCustomAttributesMap();

      assertThat(listed).containsAllEntriesOf(expected);
    }
  }

  /**
   * Found by a newcomer's walkthrough: Ctrl-C, which signals the terminal's foreground process
   * group, stopped the server at once, before the worker it serves, which then logged its failed
   * calls. The server runs in a session of its own, under the pid its pid file names.
   */
  @Test
  void theServerRunsInASessionOfItsOwnUnderThePidItsFileNames() throws Exception {
    var state = Files.createTempDirectory("embedded-start");
    var config = new TemporalDevServer.Config(RealServer.cli(), state, FreePorts.next(), "default");
    try (TemporalDevServer server = TemporalDevServer.start(config, FreePorts.next())) {
      assertThat(Files.readString(state.resolve("temporal.pid")).trim())
          .isEqualTo(String.valueOf(server.pid()));
      assertThat(TemporalDevServer.commandLine(ProcessHandle.of(server.pid()).orElseThrow()))
          .startsWith(RealServer.cli().toString());
      assertThat(session(server.pid())).isNotEqualTo(session(ProcessHandle.current().pid()));
      // A server started by hand on the same state directory meanwhile (a support drill's, after
      // this one was killed): its pid file is not this one's to delete.
      Files.writeString(state.resolve("temporal.pid"), "1\n");
    }
    assertThat(Files.readString(state.resolve("temporal.pid")).trim()).isEqualTo("1");
  }

  /** The session id, the sixth field of /proc/PID/stat (after the command in parentheses). */
  private static String session(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
  }

  private record Closing(OperatorServiceStubs stubs) implements AutoCloseable {
    @Override
    public void close() {
      stubs.shutdownNow();
    }
  }
}

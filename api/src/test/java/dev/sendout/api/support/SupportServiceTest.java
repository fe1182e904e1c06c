package dev.sendout.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.workflows.sendout.SupportActionType;
import org.junit.jupiter.api.Test;

class SupportServiceTest {

  private static FieldProblem refusal(String by, String note) {
    try {
      SupportService.supportAction(SupportActionType.PAUSE, new SupportActionRequest(by, note));
    } catch (ApiProblem problem) {
      return problem.errors().get(0);
    }
    throw new AssertionError("expected the action to be refused");
  }

  @Test
  void aNulOrControlCharacterInByOrNoteIsRefusedBeforeItReachesTheWorkflow() {
    assertThat(refusal("ann\u0000", null))
        .isEqualTo(
            new FieldProblem(
                "/by", "must not contain the control character U+0000 at character 3"));
    assertThat(refusal("ann\r\nx", null))
        .isEqualTo(
            new FieldProblem("/by", "must not contain a line break (CR or LF) at character 3"));
    assertThat(refusal("ann", "seen\u0000"))
        .isEqualTo(
            new FieldProblem(
                "/note", "must not contain the control character U+0000 at character 4"));
    assertThat(refusal("ann", "\uDC00"))
        .isEqualTo(
            new FieldProblem("/note", "is not valid Unicode: a lone surrogate at character 0"));
    assertThatThrownBy(() -> SupportService.actor("x\u009b")).isInstanceOf(ApiProblem.class);
  }

  @Test
  void aNoteMayRunOverSeveralLines() {
    assertThat(
            SupportService.supportAction(
                    SupportActionType.ACKNOWLEDGE,
                    new SupportActionRequest("ann", "line one\r\n\tline two"))
                .note())
        .isEqualTo("line one\r\n\tline two");
  }
}

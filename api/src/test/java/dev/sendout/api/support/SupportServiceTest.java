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

  /** A hostile sweep: the trail recorded actors that show as nothing. */
  @Test
  void anActorMustShowAndIsCountedInCharactersNotUtf16Units() {
    for (String invisible : new String[] {"\u00ad", "\u180e", "\u061c", " \u200b ", "\u3000"}) {
      assertThat(refusal(invisible, null))
          .isEqualTo(new FieldProblem("/by", "must be 1 to 256 characters, one of them visible"));
    }
    assertThat(SupportService.actor("\u00adann")).isEqualTo("\u00adann");
    assertThat(SupportService.actor("😀".repeat(200))).hasSize(400);
    assertThat(refusal("😀".repeat(257), null).pointer()).isEqualTo("/by");
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

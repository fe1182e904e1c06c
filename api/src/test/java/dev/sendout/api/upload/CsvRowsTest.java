package dev.sendout.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.MappingIterator;

class CsvRowsTest {

  private static List<Map<String, String>> read(String csv) {
    MappingIterator<Map<String, String>> rows = CsvRows.open(new StringReader(csv)).rows();
    List<Map<String, String>> all = new ArrayList<>();
    while (rows.hasNextValue()) {
      all.add(rows.nextValue());
    }
    return all;
  }

  /**
   * Found by the fourth hostile sweep: a value of 95 million characters was held whole, and ten
   * such uploads at once ran the heap out.
   */
  @Test
  void aValueLongerThanALineMayBeIsRefusedNotHeld() {
    String longValue = "a".repeat(NdjsonLines.MAX_LINE + 1);

    assertThatThrownBy(() -> read("address\n" + longValue + "@example.com\n"))
        .isInstanceOf(StreamConstraintsException.class);
    assertThat(read("address\n" + "a".repeat(1000) + "@example.com\n")).hasSize(1);
  }

  /** Found by a second reader: an error in the row read with the header could be put on line 1. */
  @Test
  void onlyWhatCannotBeReadOfTheHeaderIsPutOnLineOne() {
    // A bad first row is the rows' to report, with its line, not the header's.
    assertThat(CsvRows.open(new StringReader("email\nann@example.com,extra\n")).header())
        .containsExactly("email");
    assertThatThrownBy(() -> read("email,\"name\n"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(p.getMessage()).startsWith("#line=1: not a CSV header row"));
  }

  @Test
  void blankLinesAreSkippedAsInNdjson() {
    assertThat(read("email,name\r\nann@example.com,Ann\r\n\r\nbo@example.com,Bo\r\n\r\n"))
        .extracting(row -> row.get("email"))
        .containsExactly("ann@example.com", "bo@example.com");
  }

  @Test
  void aHeaderThatNamesAColumnTwiceIsRefusedAsLineOne() {
    assertThatThrownBy(() -> read("email,x,x\nann@example.com,1,2\n"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(p.getMessage()).contains("#line=1", "names [x] more than once"));
  }

  /** Found by a hostile sweep: a column without a name was taken, its values stored under "". */
  @Test
  void aHeaderThatLeavesAColumnWithoutANameIsRefusedAsLineOne() {
    for (String header : List.of("email,,name", ",email", "email, ,name", "email,,,name")) {
      assertThatThrownBy(() -> read(header + "\nann@example.com,x,y\n"))
          .as(header)
          .isInstanceOfSatisfying(
              ApiProblem.class, p -> assertThat(p.getMessage()).contains("#line=1", "has no name"));
    }
    assertThat(read("email,name,\nann@example.com,Ann,\n"))
        .as("a trailing comma, as a spreadsheet may write on every line, ends the row")
        .containsExactly(Map.of("email", "ann@example.com", "name", "Ann"));
    // Found by a probe of that change: empty columns at the end, as spreadsheets export them.
    assertThat(CsvRows.open(new StringReader("email,name,,\nann@example.com,Ann,,\n")).header())
        .containsExactly("email", "name");
  }
}

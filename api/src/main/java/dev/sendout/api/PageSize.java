package dev.sendout.api;

import dev.sendout.api.problem.ApiProblem;

/** The {@code limit} query parameter of the API's paginated listings. */
public final class PageSize {

  private PageSize() {}

  /**
   * The page size asked for, or {@code defaultSize} when none was; a 400 naming {@code limit}
   * outside 1 to {@code max}.
   */
  public static int of(Integer limit, int defaultSize, int max) {
    int size = limit == null ? defaultSize : limit;
    if (size < 1 || size > max) {
      throw ApiProblem.invalid("limit", "must be between 1 and " + max);
    }
    return size;
  }
}

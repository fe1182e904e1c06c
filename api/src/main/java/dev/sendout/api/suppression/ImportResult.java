package dev.sendout.api.suppression;

import dev.sendout.api.problem.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;

/**
 * What a CSV import did: the good rows are on the list, each bad row is named with why.
 *
 * @param rows data rows read (the header not counted)
 * @param added rows whose address was not on the list before
 * @param alreadySuppressed good rows whose address was on the list already (their entry is kept)
 * @param invalid rows refused
 * @param errors the first {@value SuppressionImport#MAX_ERRORS} refused rows, each as {@code
 *     #line=N/<column>} (the header is line 1) and why
 * @param complete false when reading stopped at a line that is not valid CSV (named in errors): the
 *     rows before it were imported, the rest were not read
 */
public record ImportResult(
    @Schema(requiredMode = RequiredMode.REQUIRED) int rows,
    @Schema(requiredMode = RequiredMode.REQUIRED) int added,
    @Schema(requiredMode = RequiredMode.REQUIRED) int alreadySuppressed,
    @Schema(requiredMode = RequiredMode.REQUIRED) int invalid,
    @Schema(requiredMode = RequiredMode.REQUIRED) List<FieldProblem> errors,
    @Schema(requiredMode = RequiredMode.REQUIRED) boolean complete) {}

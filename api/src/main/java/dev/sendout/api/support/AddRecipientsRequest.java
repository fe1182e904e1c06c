package dev.sendout.api.support;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Body of {@code POST /v1/sendouts/{id}/recipients}: recipients in the same format as on create,
 * checked against the sendout's channel and content.
 *
 * @param by who adds them, for the audit trail; "api" when absent
 */
@Schema(
    example =
        """
        {"recipients":[{"email":"bo@example.com","name":"Bo Example",\
        "variables":{"firstName":"Bo","surveyUrl":"https://s.example.com/x2"}}]}""")
public record AddRecipientsRequest(
    @ArraySchema(minItems = 1, arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED))
        List<Recipient> recipients,
    @Schema(
            example = "ann@support.example.com",
            minLength = 1,
            maxLength = SupportService.MAX_ACTOR_LENGTH)
        String by) {}

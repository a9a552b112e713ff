package dev.asyncgateway.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One HTTP attempt of a callback delivery, as the attempt log shows it. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryAttempt(
        UUID deliveryId,
        int attempt,
        OffsetDateTime startedAt,
        int durationMs,
        Integer statusCode,
        String errorKind,
        String error,
        String responseBody) {
}

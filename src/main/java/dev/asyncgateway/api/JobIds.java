package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;

import java.util.UUID;

/** Job ids in paths: anything that is not a UUID names no job. */
public final class JobIds {

    private JobIds() {
    }

    public static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ClientError.notFound("job not found");
        }
    }
}

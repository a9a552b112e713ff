package dev.asyncgateway.api;

import dev.asyncgateway.common.ClientError;

import java.util.UUID;

/** Job and batch ids in paths: anything that is not a UUID names no job (or batch), so it is a 404. */
public final class JobIds {

    private JobIds() {
    }

    public static UUID parse(String id) {
        return parse(id, "job not found");
    }

    public static UUID parseBatch(String id) {
        return parse(id, "batch not found");
    }

    private static UUID parse(String id, String notFound) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ClientError.notFound(notFound);
        }
    }
}

package dev.asyncgateway.job;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.store.ScreenshotStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** A rendered job's screenshot, read with the same capability as its statusUrl: the unguessable job id. */
@ApplicationScoped
public class ScreenshotQuery {

    @Inject
    ScreenshotStore screenshots;

    /** The PNG; 404 when there is no such job or it has no screenshot (yet, or not asked for). */
    public Uni<byte[]> png(UUID jobId) {
        return screenshots.find(jobId).onItem().ifNull().failWith(() -> ClientError.notFound("screenshot not found"));
    }
}

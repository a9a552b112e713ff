package dev.asyncgateway.render;

import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.outbound.FetchResult;

/**
 * Why a render attempt ended without a page. The message may quote the browser or the page, so it is cleaned and
 * bounded here, once.
 */
public final class RenderFailure extends RuntimeException {

    private final String kind;
    private final boolean retryable;

    public RenderFailure(String kind, String message, boolean retryable) {
        super(PeerText.line(String.valueOf(message), PeerText.ERROR_MAX_BYTES), null, false, false);
        this.kind = kind;
        this.retryable = retryable;
    }

    /** The browser went away (crashed, killed, connection lost): another attempt on a restarted browser may succeed. */
    static RenderFailure browserGone(String message) {
        return new RenderFailure("browser_unavailable", message, true);
    }

    public FetchResult.Failure asFetchFailure() {
        return new FetchResult.Failure(kind, getMessage(), retryable);
    }
}

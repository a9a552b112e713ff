package dev.asyncgateway.outbound;

import dev.asyncgateway.common.PeerText;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a failed fetch is called, and what of the peer's bytes its message may keep. */
class OutboundFailuresTest {

    private final OutboundFailures failures = new OutboundFailures();

    @Test
    void anAnswerTheHttpDecoderRefusesIsMalformedAndItsMessageIsCleanedAndBounded() {
        // What Netty's decoder throws for "HTTP/1.1 2\0 00", with a megabyte of peer text after it.
        String peerText = "For input string: \"2\0\" " + "\uD800x".repeat(512 * 1024);

        FetchResult.Failure failure = failures.classify(new NumberFormatException(peerText));

        assertEquals("malformed_response", failure.kind());
        assertTrue(failure.retryable());
        assertTrue(failure.message().startsWith("For input string: \"2\uFFFD\" \uFFFDx"), failure.message().substring(0, 40));
        assertTrue(failure.message().getBytes(StandardCharsets.UTF_8).length <= PeerText.ERROR_MAX_BYTES);
        assertTrue(PeerText.isClean(failure.message()));
    }

    @Test
    void anUnknownFailureKeepsItsMessageOnOneLine() {
        FetchResult.Failure failure = failures.classify(new IllegalStateException("first line\r\nsecond line"));

        assertEquals("io_error", failure.kind());
        assertEquals("first line  second line", failure.message());
    }
}

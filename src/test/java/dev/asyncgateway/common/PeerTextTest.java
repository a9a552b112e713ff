package dev.asyncgateway.common;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerTextTest {

    @Test
    void nulBecomesTheReplacementCharacter() {
        assertEquals("HTTP/1.1 2\uFFFD00", PeerText.clean("HTTP/1.1 2\0" + "00", 100));
    }

    @Test
    void loneSurrogatesAreReplacedAndPairsKept() {
        assertEquals("a\uFFFDb\uFFFD😀", PeerText.clean("a\uD800b\uDC00😀", 100));
        assertTrue(PeerText.isClean("😀 ok"));
        assertFalse(PeerText.isClean("a\uD800"));
        assertFalse(PeerText.isClean("a\0"));
    }

    @Test
    void invalidUtf8IsDecodedWithReplacements() {
        byte[] bytes = {'o', 'k', (byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF};
        String text = PeerText.decode(bytes, StandardCharsets.UTF_8, 100);
        assertEquals("ok\uFFFD(\uFFFD\uFFFD", text);
        assertTrue(PeerText.isClean(text));
    }

    @Test
    void aMegabyteLineIsCutToTheBoundInUtf8Bytes() {
        String huge = "é".repeat(1 << 20);
        String cut = PeerText.line(huge, PeerText.ERROR_MAX_BYTES);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= PeerText.ERROR_MAX_BYTES, "bounded");
        assertTrue(cut.endsWith("…"), "marked as cut");
        assertEquals(cut, PeerText.line(cut, PeerText.ERROR_MAX_BYTES), "a cut text is clean and fits as it is");
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String cut = PeerText.clean("😀".repeat(1000), 10);
        assertTrue(PeerText.isClean(cut));
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 10);
    }

    @Test
    void textThatFitsIsKeptWhole() {
        assertEquals("exactly ten", PeerText.clean("exactly ten", 11));
        assertNull(PeerText.clean(null, 10));
    }

    @Test
    void oneLineTextHasNoControlCharacters() {
        assertEquals("a b c\uFFFD", PeerText.line("a\r\nb\u001bc\0", 100).replace("  ", " "));
        assertEquals("keeps\nlines\tand tabs", PeerText.clean("keeps\nlines\tand tabs", 100));
    }

    @Test
    void exactTextRefusesNulAndMalformedBytes() {
        assertEquals("fine", PeerText.exactText("fine".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertNull(PeerText.exactText(new byte[] {'a', 0, 'b'}, StandardCharsets.UTF_8));
        assertNull(PeerText.exactText(new byte[] {'a', (byte) 0xC3}, StandardCharsets.UTF_8));
    }

    @Test
    void exactTextKeepsAReplacementCharacterTheBytesReallyHold() {
        byte[] bytes = "a\uFFFDb".getBytes(StandardCharsets.UTF_8);
        assertEquals("a\uFFFDb", PeerText.exactText(bytes, StandardCharsets.UTF_8));
        assertNull(PeerText.exactText(new byte[] {'a', (byte) 0xff, 'b'}, StandardCharsets.UTF_8));
    }

    @Test
    void cleanShortTextComesBackAsItIs() {
        assertEquals("text/html; charset=utf-8", PeerText.clean("text/html; charset=utf-8", PeerText.HEADER_MAX_BYTES));
        assertEquals("status 500: oops", PeerText.line("status 500: oops", PeerText.ERROR_MAX_BYTES));
        assertEquals("a b", PeerText.line("a\nb", PeerText.ERROR_MAX_BYTES));
    }
}

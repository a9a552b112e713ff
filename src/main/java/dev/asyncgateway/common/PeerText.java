package dev.asyncgateway.common;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one sanitiser for every string a peer (target, receiver, proxy, browser) controls, applied before it is
 * stored, logged or rendered. PostgreSQL refuses NUL in {@code text} and invalid UTF-8 anywhere, and a peer can
 * send both, endlessly: what comes out of here has no NUL, no lone surrogate (so it encodes to valid UTF-8), and
 * at most the given number of UTF-8 bytes. Bad characters are replaced by U+FFFD, never rejected: a peer's
 * garbage must still leave a readable trace.
 */
public final class PeerText {

    /** Bound of an error text kept from a peer (status lines, exception messages quoting peer bytes). */
    public static final int ERROR_MAX_BYTES = 1024;
    /** Bound of a header name or value kept from a peer. */
    public static final int HEADER_MAX_BYTES = 8192;

    private static final char REPLACEMENT = '\uFFFD';
    private static final String ELLIPSIS = "…";

    private PeerText() {
    }

    /**
     * {@code text} without NUL and lone surrogates, cut (at a character boundary, marked with "…") to at most
     * {@code maxBytes} UTF-8 bytes; null stays null. Line breaks and tabs are kept.
     */
    public static String clean(String text, int maxBytes) {
        return clean(text, maxBytes, false);
    }

    /**
     * As {@link #clean}, and every other control character (CR and LF included) becomes a space: for text that
     * must stay one line, such as an error message or a header value that ends up in a log line.
     */
    public static String line(String text, int maxBytes) {
        return clean(text, maxBytes, true);
    }

    /** Bytes a peer sent, decoded as {@code charset} with malformed input replaced, then {@link #clean}ed. */
    public static String decode(byte[] bytes, Charset charset, int maxBytes) {
        return clean(new String(bytes, charset), maxBytes);
    }

    /**
     * The bytes as text only if they are exactly valid in {@code charset} and hold no NUL; null otherwise
     * (then they are binary, or text that cannot be stored as it is, and belong in base64).
     */
    public static String exactText(byte[] bytes, Charset charset) {
        // Fast path, as cheap as decoding at all: lenient decoding marks every malformed or unmappable input with
        // U+FFFD, so text without U+FFFD and NUL was exact. Only text with either is decoded again strictly.
        String lenient = new String(bytes, charset);
        if (lenient.indexOf(REPLACEMENT) < 0 && lenient.indexOf(0) < 0) {
            return lenient;
        }
        CharBuffer decoded;
        try {
            decoded = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) == 0) {
                return null;
            }
        }
        return decoded.toString();
    }

    /** Whether {@code text} is already what {@link #clean} would return for an unbounded length. */
    public static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String clean(String text, int maxBytes, boolean oneLine) {
        if (text == null || isCleanWithin(text, maxBytes, oneLine)) {
            return text;
        }
        int limit = fits(text, maxBytes) ? maxBytes : Math.max(maxBytes - ELLIPSIS.getBytes(StandardCharsets.UTF_8).length, 0);
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxBytes));
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            if (Character.isSurrogate((char) cp) && width == 1) {
                cp = REPLACEMENT;
            } else if (cp == 0 || (oneLine && Character.isISOControl(cp))) {
                cp = cp == 0 ? REPLACEMENT : ' ';
            }
            int size = utf8Length(cp);
            if (bytes + size > limit) {
                return out.append(ELLIPSIS).toString();
            }
            out.appendCodePoint(cp);
            bytes += size;
            i += width;
        }
        return out.toString();
    }

    /**
     * The fast path for what peers send most: text that is short enough whatever its characters (at most 3 UTF-8
     * bytes per char) and has nothing to replace is returned as it is, with one scan and no copy.
     */
    private static boolean isCleanWithin(String text, int maxBytes, boolean oneLine) {
        if (text.length() > maxBytes / 3 || !isClean(text)) {
            return false;
        }
        if (oneLine) {
            for (int i = 0; i < text.length(); i++) {
                if (Character.isISOControl(text.charAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether {@code text}, once cleaned, takes at most {@code maxBytes} in UTF-8 (read no further than needed to know). */
    private static boolean fits(String text, int maxBytes) {
        long bytes = 0;
        for (int i = 0; i < text.length() && bytes <= maxBytes; ) {
            int cp = text.codePointAt(i);
            bytes += Character.isSurrogate((char) cp) && Character.charCount(cp) == 1 ? 3 : cp == 0 ? 3 : utf8Length(cp);
            i += Character.charCount(cp);
        }
        return bytes <= maxBytes;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}

package dev.asyncgateway.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.ApiParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a target's answer into the job's {@code response} object: lower-case header names (plus ScraperAPI's
 * {@code sa-final-url} and {@code sa-statuscode}), text bodies
 * as {@code body} (converted to text or Markdown when asked), binary bodies as {@code base64EncodedBody}.
 * Everything from the target is made storable here: header names and values are cleaned and bounded
 * ({@link PeerText}), and a body is {@code body} only when it is exactly valid text (see {@link #bodyText}).
 */
@ApplicationScoped
public class ResponseRenderer {

    private static final FlexmarkHtmlConverter MARKDOWN = FlexmarkHtmlConverter.builder().build();

    @Inject
    ObjectMapper json;

    public String render(FetchResult.Answer answer, ApiParams params) {
        ObjectNode response = json.createObjectNode();
        response.put("statusCode", answer.statusCode());
        ObjectNode headers = response.putObject("headers");
        for (Map.Entry<String, List<String>> header : answer.headers().entrySet()) {
            headers.put(PeerText.clean(header.getKey(), PeerText.HEADER_MAX_BYTES),
                    PeerText.clean(String.join(", ", header.getValue()), PeerText.HEADER_MAX_BYTES));
        }
        // ScraperAPI's own headers, which its examples read: the URL after redirects and the target's status.
        headers.put("sa-final-url", PeerText.clean(answer.finalUrl(), PeerText.HEADER_MAX_BYTES));
        headers.put("sa-statuscode", Integer.toString(answer.statusCode()));
        String contentType = answer.headers().getOrDefault("content-type", List.of("")).get(0).toLowerCase(Locale.ROOT);
        String text = bodyText(answer.body(), contentType, params.outputFormat());
        if (text == null) {
            response.put("base64EncodedBody", Base64.getEncoder().encodeToString(answer.body()));
        } else {
            response.put("body", convert(text, contentType, params.outputFormat(), answer.finalUrl()));
        }
        response.put("finalUrl", answer.finalUrl());
        try {
            return json.writeValueAsString(response);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always encodes", e);
        }
    }

    private static String convert(String body, String contentType, String outputFormat, String baseUrl) {
        if (!converts(contentType, outputFormat)) {
            return body;
        }
        return switch (outputFormat) {
            case "text" -> Jsoup.parse(body, baseUrl).text();
            case "markdown" -> MARKDOWN.convert(body);
            default -> body;
        };
    }

    /**
     * The body as text, or null for {@code base64EncodedBody}. Text is what the content type says is text (or, without
     * a content type, what decodes as text), and only when its bytes are exactly valid in their charset and hold no NUL
     * ({@link PeerText#exactText}). Anything else goes out as base64, byte for byte: real pages do hold stray invalid
     * bytes and NULs, and decoding them with replacements would hand the client a body the target never sent (and
     * a NUL, though JSON can escape it, is refused by PostgreSQL's jsonb and by many a client's store).
     * <p>
     * A conversion to text or Markdown is the one exception: asked for, it works on the text a browser would show
     * (bad bytes replaced, NULs too), since its result is derived text anyway, and a page must not lose its
     * conversion over one stray byte.
     */
    private static String bodyText(byte[] body, String contentType, String outputFormat) {
        boolean declaredText = contentType.startsWith("text/") || contentType.contains("json")
                || contentType.contains("xml") || contentType.contains("javascript")
                || contentType.contains("x-www-form-urlencoded");
        if (!declaredText && !contentType.isEmpty()) {
            return null;
        }
        Charset charset = charset(contentType);
        String exact = PeerText.exactText(body, charset);
        if (exact == null && declaredText && converts(contentType, outputFormat)) {
            return PeerText.decode(body, charset, Integer.MAX_VALUE);
        }
        return exact;
    }

    private static boolean converts(String contentType, String outputFormat) {
        return outputFormat != null && contentType.contains("html");
    }

    private static Charset charset(String contentType) {
        int at = contentType.indexOf("charset=");
        if (at >= 0) {
            String name = contentType.substring(at + 8).split("[;\\s]")[0].replace("\"", "");
            try {
                return Charset.forName(name);
            } catch (RuntimeException ignored) {
                // unknown charset: fall back to UTF-8
            }
        }
        return StandardCharsets.UTF_8;
    }
}

package dev.asyncgateway.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import dev.asyncgateway.job.ApiParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a target's answer into the job's {@code response} object: lower-case header names, text bodies
 * as {@code body} (converted to text or Markdown when asked), binary bodies as {@code base64EncodedBody}.
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
            headers.put(header.getKey(), String.join(", ", header.getValue()));
        }
        String contentType = answer.headers().getOrDefault("content-type", List.of("")).get(0).toLowerCase(Locale.ROOT);
        String text = decodeText(answer.body(), contentType);
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
        if (outputFormat == null || !contentType.contains("html")) {
            return body;
        }
        return switch (outputFormat) {
            case "text" -> Jsoup.parse(body, baseUrl).text();
            case "markdown" -> MARKDOWN.convert(body);
            default -> body;
        };
    }

    /** The body as text when its content type says text (or it has none and decodes cleanly); null for binary. */
    private static String decodeText(byte[] body, String contentType) {
        Charset charset = charset(contentType);
        boolean declaredText = contentType.startsWith("text/") || contentType.contains("json")
                || contentType.contains("xml") || contentType.contains("javascript")
                || contentType.contains("x-www-form-urlencoded");
        if (declaredText) {
            return new String(body, charset);
        }
        if (!contentType.isEmpty()) {
            return null;
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
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

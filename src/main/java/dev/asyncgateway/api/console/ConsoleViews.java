package dev.asyncgateway.api.console;

import io.quarkus.qute.TemplateData;

import java.util.List;

/**
 * What the console's templates show, already formatted. Every string is plain text: the templates escape it
 * (Qute escapes every expression of an {@code .html} template), so a target's or a receiver's answer is shown, never run.
 */
public final class ConsoleViews {

    private ConsoleViews() {
    }

    /** The frame of every page: title, the current section, who is signed in, the session's CSRF token. */
    @TemplateData
    public record Frame(String title, String section, boolean signedIn, boolean operator, String who, String csrf) {

        public boolean is(String name) {
            return name.equals(section);
        }
    }

    @TemplateData
    public record SignInView(Frame frame, String error, boolean adminEnabled) {
    }

    @TemplateData
    public record ErrorView(Frame frame, int status, String message, String back) {
    }

    @TemplateData
    public record Filters(String status, String project, String batch, String from, String to, String q) {
    }

    @TemplateData
    public record JobLine(String id, String status, String url, int attempts, String callback, String age, String created) {
    }

    @TemplateData
    public record JobsView(Frame frame, Filters filters, List<JobLine> jobs, String nextUrl, boolean firstPage,
                           String firstUrl) {
    }

    @TemplateData
    public record NameValue(String name, String value) {
    }

    @TemplateData
    public record JobDetail(String id, String status, String url, String method, String statusUrl, String project,
                            String batchId, List<NameValue> headers, String apiParams, String meta, String warnings,
                            String failReason, int attempts, String created, String finished, String duration,
                            Integer resultStatus, List<NameValue> resultHeaders, String bodyPreview,
                            boolean bodyTruncated, boolean binaryBody, String finalUrl, String traceId,
                            boolean running, String callbackState) {
    }

    @TemplateData
    public record AttemptLine(int delivery, int attempt, String startedAt, int durationMs, String statusCode,
                              String errorKind, String error, String answer) {
    }

    /** One fetch attempt of the job; {@code outcome} is the target's status code or the failure kind. */
    @TemplateData
    public record FetchLine(int number, String startedAt, long durationMs, String outcome, String via) {
    }

    @TemplateData
    public record DeliveryLine(int number, String url, String status, int attempts, int maxAttempts, String created,
                               String ended) {
    }

    @TemplateData
    public record JobPageView(Frame frame, JobDetail job, List<DeliveryLine> deliveries, List<AttemptLine> attempts,
                              String notice, String error, List<FetchLine> fetches) {
    }

    @TemplateData
    public record HeaderField(int index, String key, String masked) {

        public int number() {
            return index + 1;
        }
    }

    @TemplateData
    public record WebhookForm(String idPrefix, String project, String url, List<HeaderField> headers, String encoding,
                              String notificationUrl) {

        public boolean required() {
            return project != null;
        }

        public boolean form() {
            return "form".equals(encoding);
        }
    }

    @TemplateData
    public record TestResult(String url, String statusCode, String errorKind, String message, String answer) {
    }

    @TemplateData
    public record WebhooksView(Frame frame, WebhookForm account, List<WebhookForm> projects, String secret,
                               boolean secretRotated, boolean confirmRotation, TestResult test, String notice,
                               String error) {
    }

    @TemplateData
    public record Figure(String label, String value) {
    }

    @TemplateData
    public record Chart(String id, String title, String unit, String seriesJson) {
    }

    @TemplateData
    public record Failing(String receiver, long failures, String lastAt, String lastStatus) {
    }

    @TemplateData
    public record OverviewView(Frame frame, List<Figure> hour, List<Figure> day, List<Chart> charts,
                               List<Failing> failing) {
    }

    @TemplateData
    public record AccountLine(String id, String name, String created, long running) {
    }

    @TemplateData
    public record WorkerLine(String work, int inFlight, boolean idle) {
    }

    /** One instance's last heartbeat: its work in flight then. */
    @TemplateData
    public record InstanceLine(String id, String host, String started, String lastSeen, int jobs, int deliveries,
                               int renders, boolean stale, boolean serving) {
    }

    @TemplateData
    public record OperatorView(Frame frame, List<AccountLine> accounts, String createdName, String createdKey,
                               List<Figure> queue, List<WorkerLine> workers, List<Figure> drain, String error,
                               List<InstanceLine> instances) {
    }
}

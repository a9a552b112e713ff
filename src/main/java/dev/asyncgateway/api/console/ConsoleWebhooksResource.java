package dev.asyncgateway.api.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asyncgateway.callback.WebhookHeader;
import dev.asyncgateway.callback.WebhookSettings;
import dev.asyncgateway.callback.WebhookSettingsParser;
import dev.asyncgateway.callback.WebhookSettingsService;
import dev.asyncgateway.callback.WebhookTestSender;
import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.common.PeerText;
import dev.asyncgateway.outbound.FetchResult;
import dev.asyncgateway.store.ConsoleStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The account's webhooks: account and project settings as forms (header values masked; a value left empty keeps
 * the stored one), a test event, the signing secret on request, rotation after a confirmation.
 */
@Path("/console/webhooks")
@Produces(MediaType.TEXT_HTML)
public class ConsoleWebhooksResource {

    /** Empty header rows a form offers beyond the stored ones. */
    private static final int NEW_HEADER_ROWS = 2;
    private static final int MAX_PROJECTS = 100;
    private static final int ANSWER_PREVIEW_BYTES = 2000;
    private static final Map<String, String> NOTICES = Map.of(
            "account", "The account webhook was saved.",
            "project", "The project webhook was saved.",
            "deleted", "The project webhook was deleted.");

    @Inject
    ConsoleActions actions;

    @Inject
    ConsoleFrames frames;

    @Inject
    ConsoleStore store;

    @Inject
    WebhookSettingsService settings;

    @Inject
    WebhookSettingsParser parser;

    @Inject
    WebhookTestSender testSender;

    @Inject
    ObjectMapper json;

    /** What a page shows beyond the settings. */
    private record Extras(String secret, boolean rotated, boolean confirmRotation, ConsoleViews.TestResult test,
                          String notice, String error) {

        static Extras none() {
            return new Extras(null, false, false, null, null, null);
        }

        static Extras notice(String notice) {
            return new Extras(null, false, false, null, notice, null);
        }

        static Extras error(String error) {
            return new Extras(null, false, false, null, null, error);
        }
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> page(@CookieParam(ConsoleSessions.COOKIE) String cookie, @QueryParam("done") String done,
                              @QueryParam("confirm") String confirm) {
        Extras extras = "rotate".equals(confirm) ? new Extras(null, false, true, null, null, null)
                : Extras.notice(done == null ? null : NOTICES.get(done));
        return actions.account(cookie).chain(session -> render(session, 200, extras));
    }

    @POST
    @Path("account")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> saveAccount(@CookieParam(ConsoleSessions.COOKIE) String cookie, MultivaluedMap<String, String> form) {
        return post(cookie, form, session -> settings.account(session.accountId()).chain(current -> {
            ObjectNode body = formSettings(form, current);
            body.put("notificationUrl", unmasked(text(form, "notificationUrl"), current.notificationUrl()));
            return settings.replaceAccount(session.accountId(), parser.parse(body, true));
        }), ConsoleActions.redirect(saved -> "/console/webhooks?done=account"), this::formError);
    }

    @POST
    @Path("project")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> saveProject(@CookieParam(ConsoleSessions.COOKIE) String cookie, MultivaluedMap<String, String> form) {
        String project = text(form, "project");
        return post(cookie, form, session -> {
            if (project == null || project.length() > 200) {
                throw new ConsoleFailure(400, "A project name of 1 to 200 characters is required.");
            }
            return settings.project(session.accountId(), project)
                    .onFailure().recoverWithItem(new WebhookSettings(null, List.of(), WebhookSettings.JSON, null))
                    .chain(current -> settings.replaceProject(session.accountId(), project,
                            parser.parse(formSettings(form, current), false)));
        }, ConsoleActions.redirect(saved -> "/console/webhooks?done=project"), this::formError);
    }

    @POST
    @Path("project/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> deleteProject(@CookieParam(ConsoleSessions.COOKIE) String cookie, MultivaluedMap<String, String> form) {
        return post(cookie, form, session -> settings.deleteProject(session.accountId(), text(form, "project")),
                ConsoleActions.redirect(ignored -> "/console/webhooks?done=deleted"), ConsoleActions.FailurePage.ERROR_PAGE);
    }

    @POST
    @Path("secret")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> showSecret(@CookieParam(ConsoleSessions.COOKIE) String cookie, MultivaluedMap<String, String> form) {
        return post(cookie, form, session -> settings.secret(session.accountId()),
                (session, secret) -> render(session, 200, new Extras(secret, false, false, null, null, null)),
                ConsoleActions.FailurePage.ERROR_PAGE);
    }

    @POST
    @Path("secret/rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> rotate(@CookieParam(ConsoleSessions.COOKIE) String cookie, MultivaluedMap<String, String> form) {
        return post(cookie, form, session -> {
            if (!"yes".equals(form.getFirst("confirm"))) {
                throw new ConsoleFailure(400, "Tick the confirmation to rotate the secret.");
            }
            return settings.rotateSecret(session.accountId());
        }, (session, secret) -> render(session, 200, new Extras(secret, true, false, null,
                "The secret was rotated. The previous one keeps signing alongside it for a while.", null)),
                (session, e) -> render(session, e.status(), new Extras(null, false, true, null, null, e.getMessage())));
    }

    @POST
    @Path("test")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> test(@CookieParam(ConsoleSessions.COOKIE) String cookie, MultivaluedMap<String, String> form) {
        String url = text(form, "url");
        return post(cookie, form, session -> testSender.send(session.accountId(), url),
                (session, result) -> render(session, 200, new Extras(null, false, false, testResult(url, result), null, null)),
                this::formError);
    }

    /** Every form of this page is the account's, with its CSRF token among the fields. */
    private <T> Uni<Response> post(String cookie, MultivaluedMap<String, String> form, Function<ConsoleSession, Uni<T>> step,
                                   BiFunction<ConsoleSession, T, Uni<Response>> answer, ConsoleActions.FailurePage failures) {
        return actions.post(actions.account(cookie), form.getFirst("csrf"), step, answer, failures);
    }

    private Uni<Response> formError(ConsoleSession session, ConsoleFailure e) {
        return e.status() == 403 ? Uni.createFrom().failure(e) : render(session, e.status(), Extras.error(e.getMessage()));
    }

    private Uni<Response> render(ConsoleSession session, int status, Extras extras) {
        UUID accountId = session.accountId();
        Uni<List<ConsoleViews.WebhookForm>> projects = store.projects(accountId, MAX_PROJECTS)
                .chain(names -> names.isEmpty() ? Uni.createFrom().item(List.<ConsoleViews.WebhookForm>of())
                        : Multi.createFrom().iterable(names)
                        .onItem().transformToUniAndConcatenate(name -> settings.project(accountId, name)
                                .map(s -> form("p" + name.hashCode(), name, s)))
                        .collect().asList());
        return settings.account(accountId).chain(account -> projects.chain(projectForms ->
                frames.of(session, "Webhooks", "webhooks").map(frame -> ConsoleHttp.html(status,
                        ConsoleTemplates.webhooks(new ConsoleViews.WebhooksView(frame, form("acct", null, account), projectForms,
                                extras.secret(), extras.rotated(), extras.confirmRotation(), extras.test(),
                                extras.notice(), extras.error()))))));
    }

    private static ConsoleViews.WebhookForm form(String idPrefix, String project, WebhookSettings s) {
        List<ConsoleViews.HeaderField> headers = new ArrayList<>();
        for (WebhookHeader header : s.headers()) {
            headers.add(new ConsoleViews.HeaderField(headers.size(), header.key(), CredentialMask.headerValue(header.value())));
        }
        for (int i = 0; i < NEW_HEADER_ROWS; i++) {
            headers.add(new ConsoleViews.HeaderField(headers.size(), "", null));
        }
        return new ConsoleViews.WebhookForm(idPrefix, project, CredentialMask.url(s.url()), headers, s.encoding(),
                CredentialMask.url(s.notificationUrl()));
    }

    /**
     * The form as the settings parser's JSON. Values are shown masked, so an unchanged masked URL and an empty
     * header value mean "keep what is stored"; a header row with an empty name is dropped.
     */
    private ObjectNode formSettings(MultivaluedMap<String, String> form, WebhookSettings current) {
        ObjectNode body = json.createObjectNode();
        body.put("url", unmasked(text(form, "url"), current.url()));
        body.put("encoding", Objects.requireNonNullElse(text(form, "encoding"), WebhookSettings.JSON));
        ArrayNode headers = body.putArray("headers");
        for (int i = 0; form.containsKey("header-key-" + i); i++) {
            String key = text(form, "header-key-" + i);
            if (key == null) {
                continue;
            }
            String value = form.getFirst("header-value-" + i);
            if (value == null || value.isEmpty()) {
                value = current.headers().stream().filter(h -> h.key().equalsIgnoreCase(key)).map(WebhookHeader::value)
                        .findFirst().orElseThrow(() -> new ConsoleFailure(400, "Header '" + key + "' needs a value."));
            }
            headers.addObject().put("key", key).put("value", value);
        }
        return body;
    }

    private static String unmasked(String submitted, String stored) {
        return submitted != null && stored != null && submitted.equals(CredentialMask.url(stored)) ? stored : submitted;
    }

    private static String text(MultivaluedMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ConsoleViews.TestResult testResult(String url, FetchResult result) {
        if (result instanceof FetchResult.Answer answer) {
            String text = PeerText.decode(answer.body(), StandardCharsets.UTF_8, ANSWER_PREVIEW_BYTES);
            return new ConsoleViews.TestResult(url, Integer.toString(answer.statusCode()), null, null, text);
        }
        FetchResult.Failure failure = (FetchResult.Failure) result;
        return new ConsoleViews.TestResult(url, null, failure.kind(),
                PeerText.line(failure.message(), PeerText.ERROR_MAX_BYTES), null);
    }
}

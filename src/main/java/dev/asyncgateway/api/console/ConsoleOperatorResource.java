package dev.asyncgateway.api.console;

import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.config.ConsoleConfig;
import dev.asyncgateway.queue.DrainReport;
import dev.asyncgateway.queue.DueWorkDrain;
import dev.asyncgateway.queue.QueueWorker;
import dev.asyncgateway.runner.InstanceHeartbeat;
import dev.asyncgateway.store.ConsoleStore;
import dev.asyncgateway.store.InstanceHeartbeatStore;
import dev.asyncgateway.store.QueueSnapshot;
import dev.asyncgateway.store.QueueStatsStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/**
 * The operator view (admin token): accounts (a new account's key is shown once), the queues, the work in flight,
 * and the drain. Queue depth is the database's, shared by every instance; in-flight counts are this instance's
 * (the one serving the page) as they are now, and every instance's as of its last heartbeat (see V19).
 */
@Path("/console/operator")
@Produces(MediaType.TEXT_HTML)
public class ConsoleOperatorResource {

    private static final int NAME_MAX_LENGTH = 200;
    private static final int MAX_ACCOUNTS = 200;
    private static final int MAX_INSTANCES = 100;

    @Inject
    ConsoleActions actions;

    @Inject
    ConsoleFrames frames;

    @Inject
    ConsoleStore store;

    @Inject
    QueueStatsStore queueStats;

    @Inject
    Instance<QueueWorker> workers;

    @Inject
    AccountService accounts;

    @Inject
    DueWorkDrain drain;

    @Inject
    InstanceHeartbeatStore heartbeats;

    @Inject
    InstanceHeartbeat heartbeat;

    @Inject
    ConsoleConfig config;

    /** What a page shows beyond the lists. */
    private record Extras(String createdName, String createdKey, DrainReport drained, String error) {
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> page(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        return actions.operator(cookie).chain(session -> render(session, 200, new Extras(null, null, null, null)));
    }

    @POST
    @Path("accounts")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> createAccount(@CookieParam(ConsoleSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
                                       @FormParam("name") String name) {
        String trimmed = name == null ? "" : name.trim();
        return actions.post(actions.operator(cookie), csrf, session -> {
            if (trimmed.isEmpty() || trimmed.length() > NAME_MAX_LENGTH || trimmed.chars().anyMatch(Character::isISOControl)) {
                throw new ConsoleFailure(400,
                        "The name must have 1 to " + NAME_MAX_LENGTH + " characters, without control characters.");
            }
            return accounts.create(trimmed);
        }, (session, created) -> render(session, 201, new Extras(created.name(), created.apiKey(), null, null)), this::error);
    }

    @POST
    @Path("drain")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> drain(@CookieParam(ConsoleSessions.COOKIE) String cookie, @FormParam("csrf") String csrf) {
        return actions.post(actions.operator(cookie), csrf, session -> drain.drain(),
                (session, report) -> render(session, 200, new Extras(null, null, report, null)), this::error);
    }

    private Uni<Response> error(ConsoleSession session, ConsoleFailure e) {
        return render(session, e.status(), new Extras(null, null, null, e.getMessage()));
    }

    private Uni<Response> render(ConsoleSession session, int status, Extras extras) {
        return store.accounts(MAX_ACCOUNTS).chain(accountRows -> queueStats.snapshot().chain(snapshot ->
                heartbeats.list(config.heartbeatStaleAfter(), MAX_INSTANCES).chain(instances ->
                frames.of(session, "Operator", "operator").map(frame -> {
                    List<ConsoleViews.AccountLine> lines = accountRows.stream().map(a -> new ConsoleViews.AccountLine(
                            a.id().toString(), a.name(), ConsoleFormat.time(a.createdAt()), a.running())).toList();
                    List<ConsoleViews.WorkerLine> workerLines = workers.stream()
                            .map(w -> new ConsoleViews.WorkerLine(w.workName(), w.inFlight(), w.idle())).toList();
                    return ConsoleHttp.html(status, ConsoleTemplates.operator(new ConsoleViews.OperatorView(frame, lines,
                            extras.createdName(), extras.createdKey(), queue(snapshot), workerLines, drained(extras.drained()),
                            extras.error(), instances.stream().map(this::instance).toList())));
                }))));
    }

    private ConsoleViews.InstanceLine instance(InstanceHeartbeatStore.InstanceRow i) {
        return new ConsoleViews.InstanceLine(i.instanceId().toString(), i.hostName(), ConsoleFormat.time(i.startedAt()),
                ConsoleFormat.time(i.lastSeenAt()), i.jobsInFlight(), i.deliveriesInFlight(), i.rendersInFlight(), i.stale(),
                i.instanceId().equals(heartbeat.instanceId()));
    }

    private static List<ConsoleViews.Figure> queue(QueueSnapshot s) {
        return List.of(
                new ConsoleViews.Figure("Jobs queued (not ended)", Long.toString(s.jobsQueued())),
                new ConsoleViews.Figure("Jobs due now", Long.toString(s.jobsDue())),
                new ConsoleViews.Figure("Oldest due job", ConsoleFormat.seconds(s.oldestDueJobAgeSeconds())),
                new ConsoleViews.Figure("Deliveries queued", Long.toString(s.deliveriesQueued())),
                new ConsoleViews.Figure("Deliveries due now", Long.toString(s.deliveriesDue())),
                new ConsoleViews.Figure("Oldest due delivery", ConsoleFormat.seconds(s.oldestDueDeliveryAgeSeconds())));
    }

    private static List<ConsoleViews.Figure> drained(DrainReport r) {
        if (r == null) {
            return List.of();
        }
        return List.of(
                new ConsoleViews.Figure("Drained", r.drained() ? "yes" : "no (stopped)"),
                new ConsoleViews.Figure("Took", r.durationMs() + " ms"),
                new ConsoleViews.Figure("Jobs due / queued", r.jobsDue() + " / " + r.jobsQueued()),
                new ConsoleViews.Figure("Deliveries due / queued", r.deliveriesDue() + " / " + r.deliveriesQueued()));
    }
}

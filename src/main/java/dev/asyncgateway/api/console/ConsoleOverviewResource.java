package dev.asyncgateway.api.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.asyncgateway.store.ConsoleStore;
import dev.asyncgateway.store.ConsoleStore.StatsBucket;
import dev.asyncgateway.store.ConsoleStore.StatsSeries;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Throughput and latency from the database: jobs per minute, success rate, callback delivery rate, p50/p95 from
 * submission to end, over the last hour (1-minute buckets) and day (30-minute buckets), and the receivers that
 * failed in the last hour. An account sees its own; the operator sees every account's.
 */
@Path("/console/overview")
@Produces(MediaType.TEXT_HTML)
public class ConsoleOverviewResource {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration HOUR_BUCKET = Duration.ofMinutes(1);
    private static final Duration DAY_BUCKET = Duration.ofMinutes(30);

    @Inject
    ConsoleActions actions;

    @Inject
    ConsoleFrames frames;

    @Inject
    ConsoleStore store;

    @Inject
    ObjectMapper json;

    @GET
    @Operation(hidden = true)
    public Uni<Response> overview(@CookieParam(ConsoleSessions.COOKIE) String cookie) {
        return actions.signedIn(cookie).chain(session -> {
            var accountId = session.accountId();
            return store.series(accountId, HOUR_BUCKET, HOUR).chain(hour -> store.series(accountId, DAY_BUCKET, DAY)
                    .chain(day -> store.failingReceivers(accountId, HOUR)
                            .chain(failing -> frames.of(session, "Overview", "overview").map(frame -> {
                                List<ConsoleViews.Failing> failingLines = failing.stream().map(f -> new ConsoleViews.Failing(
                                        f.receiver(), f.failures(), ConsoleFormat.time(f.lastAt()),
                                        f.lastStatus() != null ? f.lastStatus().toString()
                                                : f.lastErrorKind() == null ? "–" : f.lastErrorKind())).toList();
                                return ConsoleHttp.html(ConsoleTemplates.overview(new ConsoleViews.OverviewView(frame,
                                        figures(hour, HOUR_BUCKET), figures(day, DAY_BUCKET),
                                        List.of(chart("hour", "Last hour", hour.buckets(), HOUR_BUCKET),
                                                chart("day", "Last day", day.buckets(), DAY_BUCKET)),
                                        failingLines)));
                            }))));
        });
    }

    private static List<ConsoleViews.Figure> figures(StatsSeries series, Duration bucket) {
        long created = 0;
        long finished = 0;
        long ended = 0;
        long delivered = 0;
        long deliveriesEnded = 0;
        for (StatsBucket b : series.buckets()) {
            created += b.created();
            finished += b.finished();
            ended += b.ended();
            delivered += b.delivered();
            deliveriesEnded += b.deliveriesEnded();
        }
        double minutes = Math.max(1, series.buckets().size() * bucket.toMinutes());
        List<ConsoleViews.Figure> figures = new ArrayList<>();
        figures.add(new ConsoleViews.Figure("Jobs per minute", String.format(Locale.ROOT, "%.2f", created / minutes)));
        figures.add(new ConsoleViews.Figure("Jobs submitted", Long.toString(created)));
        figures.add(new ConsoleViews.Figure("Success rate", ConsoleFormat.percent(finished, ended)));
        figures.add(new ConsoleViews.Figure("Callback delivery rate", ConsoleFormat.percent(delivered, deliveriesEnded)));
        figures.add(new ConsoleViews.Figure("p50 latency", ConsoleFormat.seconds(series.p50Seconds())));
        figures.add(new ConsoleViews.Figure("p95 latency", ConsoleFormat.seconds(series.p95Seconds())));
        return figures;
    }

    /** The series as uPlot takes them (x in epoch seconds, then one array per line), JSON in a data attribute. */
    private ConsoleViews.Chart chart(String id, String title, List<StatsBucket> buckets, Duration bucket) {
        double minutes = bucket.toMinutes();
        ObjectNode data = json.createObjectNode();
        data.set("x", array(buckets, b -> b.start().toEpochSecond()));
        data.set("jobsPerMinute", array(buckets, b -> b.created() / minutes));
        data.set("successRate", array(buckets, b -> b.ended() == 0 ? Double.NaN : 100.0 * b.finished() / b.ended()));
        data.set("deliveryRate", array(buckets, b -> b.deliveriesEnded() == 0 ? Double.NaN
                : 100.0 * b.delivered() / b.deliveriesEnded()));
        data.set("p50", array(buckets, b -> b.p50Seconds() == null ? Double.NaN : b.p50Seconds()));
        data.set("p95", array(buckets, b -> b.p95Seconds() == null ? Double.NaN : b.p95Seconds()));
        return new ConsoleViews.Chart(id, title, "", data.toString());
    }

    /** Gaps (no job ended in a bucket) are null, which uPlot draws as a gap. */
    private ArrayNode array(List<StatsBucket> buckets, ToDoubleFunction<StatsBucket> value) {
        ArrayNode array = json.createArrayNode();
        for (StatsBucket b : buckets) {
            double v = value.applyAsDouble(b);
            if (Double.isNaN(v)) {
                array.addNull();
            } else {
                array.add(Math.round(v * 1000) / 1000.0);
            }
        }
        return array;
    }
}

package dev.asyncgateway.outbound;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.FakeNameServer;
import dev.asyncgateway.testsupport.Metrics;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * Host names are resolved without holding a thread: while a name server leaves many lookups unanswered,
 * names it answers and names from the hosts file are fetched at once, and the stalled lookups end at
 * the lookup timeout as DNS failures.
 */
@QuarkusTest
@WithTestResource(FakeNameServer.class)
class NameResolutionTest {

    /** More than the 16 threads that resolving used to block, one per lookup. */
    private static final int STALLED = 40;
    /** Well below the lookup timeout (8 s), so nothing waited for a stalled lookup to give up. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private final TargetServer target = TargetServer.get();

    @Test
    void namesThatResolveAreFetchedPromptlyWhileManyLookupsHang() {
        double dnsFailuresBefore = Metrics.value("gateway_fetch_attempts_seconds_count{outcome=\"dns\"}");
        String stalledAccount = Api.newAccount();
        List<String> stalled = IntStream.range(0, STALLED)
                .mapToObj(i -> submit(stalledAccount, target.url("/ok").replace("127.0.0.1", "stalled-" + i + ".unanswered.test"), 10))
                .toList();
        await("every stalled lookup to reach the name server").atMost(Duration.ofSeconds(10))
                .until(() -> FakeNameServer.unansweredNames() >= STALLED);

        String account = Api.newAccount();
        String byNameServer = submit(account, target.url("/ok").replace("127.0.0.1", "target" + FakeNameServer.RESOLVABLE), 30);
        String byHostsFile = submit(account, target.url("/ok").replace("127.0.0.1", "localhost"), 30);
        await("names that resolve to be fetched while " + STALLED + " lookups hang").atMost(PROMPTLY)
                .until(() -> Api.status(byNameServer).equals("finished") && Api.status(byHostsFile).equals("finished"));

        await("the stalled jobs to end").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> stalled.stream().noneMatch(id -> Api.status(id).equals("running")));
        for (String id : stalled) {
            Api.job(id).body("status", equalTo("failed")).body("failReason", equalTo("failed_due_to_timeout"));
        }
        assertThat("each stalled lookup ended as a DNS failure at the lookup timeout",
                Metrics.value("gateway_fetch_attempts_seconds_count{outcome=\"dns\"}") - dnsFailuresBefore,
                greaterThanOrEqualTo((double) STALLED));
    }

    private static String submit(String apiKey, String url, int timeoutSec) {
        return Api.submitJob(Map.of("apiKey", apiKey, "url", url, "timeoutSec", timeoutSec));
    }
}

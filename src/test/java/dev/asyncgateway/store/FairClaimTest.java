package dev.asyncgateway.store;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** The claim statement shares the runner between accounts; the test plays the worker (runner off). */
@QuarkusTest
@TestProfile(ClaimTest.RunnerOff.class)
class FairClaimTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    JobStore store;

    private final List<String> accounts = new ArrayList<>();

    /** Leftovers of other tests (the runner is off, so they stay due) would take turns too: lease them away. */
    @BeforeEach
    void leaseEveryOtherDueJob() {
        while (!claim(1000, Integer.MAX_VALUE).isEmpty()) {
            // keep claiming until nothing is due
        }
    }

    @AfterEach
    void removeOwnJobs() {
        accounts.forEach(key -> Jobs.execute("delete from job where account_id = ?", Jobs.accountId(key)));
    }

    @Test
    void anotherAccountsNewJobIsClaimedBeforeAnOlderBacklog() {
        String busy = account();
        submitBatch(busy, 40);
        String quiet = account();
        String quietJob = Api.submitJob(Map.of("apiKey", quiet, "url", "http://127.0.0.1:1/quiet"));

        List<JobRow> claimed = claim(4, Integer.MAX_VALUE);

        assertThat(claimed, hasSize(4));
        assertThat(claimed.stream().map(job -> job.id().toString()).toList(), org.hamcrest.Matchers.hasItem(quietJob));
    }

    @Test
    void theAccountWithFewerJobsInFlightGoesFirst() {
        String busy = account();
        submitBatch(busy, 40);
        assertThat(claim(10, Integer.MAX_VALUE), hasSize(10));
        String quiet = account();
        String quietJob = Api.submitJob(Map.of("apiKey", quiet, "url", "http://127.0.0.1:1/quiet"));

        List<JobRow> claimed = claim(1, Integer.MAX_VALUE);

        assertThat(claimed.stream().map(job -> job.id().toString()).toList(), contains(quietJob));
    }

    @Test
    void accountsWithEqualShareAreClaimedRoundRobin() {
        UUID first = Jobs.accountId(submitBatch(account(), 5));
        UUID second = Jobs.accountId(submitBatch(account(), 5));

        List<JobRow> claimed = claim(4, Integer.MAX_VALUE);

        assertThat(claimed.stream().map(JobRow::accountId).toList(), containsInAnyOrder(first, first, second, second));
    }

    @Test
    void anAccountNeverHoldsMoreThanItsInFlightCap() {
        String key = submitBatch(account(), 20);
        UUID account = Jobs.accountId(key);

        List<JobRow> firstClaim = claim(100, 3);
        assertThat(firstClaim, hasSize(3));
        assertThat(firstClaim.stream().map(JobRow::accountId).toList(), everyItem(equalTo(account)));
        assertThat("the cap holds while its jobs are leased", claim(100, 3), empty());
        assertThat("a higher cap lets more through", claim(100, 5), hasSize(2));
    }

    @Test
    void aJobStoredLeasedCountsAgainstItsAccountsCapAsAClaimWould() {
        UUID account = Jobs.accountId(submitBatch(account(), 2));
        assertThat(claim(100, 3), hasSize(2));
        List<NewJob> jobs = List.of(newJob(account, UUID.randomUUID()), newJob(account, null),
                newJob(account, UUID.randomUUID()), newJob(account, UUID.randomUUID()));

        List<JobRow> leased = store.insertSingles(jobs, LEASE, 3).await().atMost(WAIT);

        assertThat("one slot was left under the cap of three", leased.stream().map(JobRow::id).toList(),
                contains(jobs.get(0).id()));
        assertThat(leased.get(0).leaseToken(), equalTo(jobs.get(0).leaseToken()));
        assertThat("its first attempt is counted", leased.get(0).attempts(), equalTo(1));
        Map<String, Map<String, Object>> stored = Jobs.rows(jobs.stream().map(job -> job.id().toString()).toList());
        assertThat(stored.size(), equalTo(4));
        for (NewJob job : jobs.subList(1, 4)) {
            Map<String, Object> row = stored.get(job.id().toString());
            assertThat("stored due, not leased", row.get("lease_token"), nullValue());
            assertThat(row.get("attempts"), equalTo(0));
        }
        assertThat("the others wait for a claim, under the same cap", claim(100, 4), hasSize(1));
    }

    @Test
    void aClaimSaysWhetherAnAccountReachedItsCap() {
        submitBatch(account(), 5);

        assertThat("two of five taken under a cap of two", store.claim(100, LEASE, UUID.randomUUID(), 2).await().atMost(WAIT)
                .accountsAtCap(), equalTo(true));
        assertThat("none taken: the account is at its cap", store.claim(100, LEASE, UUID.randomUUID(), 2).await().atMost(WAIT)
                .accountsAtCap(), equalTo(true));
        assertThat("the rest taken under a higher cap", store.claim(100, LEASE, UUID.randomUUID(), 100).await().atMost(WAIT)
                .accountsAtCap(), equalTo(false));
        assertThat("nothing due", store.claim(100, LEASE, UUID.randomUUID(), 2).await().atMost(WAIT).accountsAtCap(),
                equalTo(false));
    }

    private static NewJob newJob(UUID account, UUID leaseToken) {
        UUID id = UUID.randomUUID();
        JobRequest request = new JobRequest(List.of("http://127.0.0.1:1/leased/" + id), "GET", Map.of(), null,
                ApiParams.DEFAULTS, null, null, false, 60, "{}", List.of());
        return new NewJob(id, account, "http://localhost/jobs/" + id, request, "{}", "{}", null, leaseToken, null);
    }

    private String account() {
        String key = Api.newAccount();
        accounts.add(key);
        return key;
    }

    private String submitBatch(String key, int n) {
        List<String> urls = IntStream.range(0, n).mapToObj(i -> "http://127.0.0.1:1/fair/" + i).toList();
        given().contentType(ContentType.JSON).body(Map.of("apiKey", key, "urls", urls)).post("/batchjobs")
                .then().statusCode(200);
        return key;
    }

    private List<JobRow> claim(int limit, int accountMaxInFlight) {
        return store.claim(limit, LEASE, UUID.randomUUID(), accountMaxInFlight).await().atMost(WAIT).jobs();
    }
}

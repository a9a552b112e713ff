package dev.asyncgateway.store;

import dev.asyncgateway.testsupport.Webhooks.TestAccount;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-receiver cap counts a receiver once however its URLs spell it: {@code https://a.com} and
 * {@code https://A.com:443} reach the same server. The runner is off: the test plays the delivery worker.
 */
@QuarkusTest
@TestProfile(ClaimTest.RunnerOff.class)
class ReceiverKeyTest {

    private static final int CAP = 4;

    @Inject
    DeliveryStore store;

    @Test
    void urlsThatReachTheSameHostAndPortAreOneReceiver() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String host = "r-" + UUID.randomUUID() + ".example";
        List<String> https = List.of("https://" + host + "/a", "https://" + host.toUpperCase() + ":443/b?c=d",
                "https://user:pw@" + host + ":443", "https://" + host + ":0443#f", "https://" + host + ".:443/");
        List<String> http = List.of("http://" + host + "/a", "http://" + host + ":80/b", "HTTP://tok@" + host + "?q");
        List<String> otherPort = List.of("https://" + host + ":8443/a");
        for (String url : concat(https, http, otherPort)) {
            insertPendingDelivery(account, url, "now() + interval '1 hour'");
        }

        assertEquals(1, distinctReceivers(account, https));
        assertEquals(1, distinctReceivers(account, http));
        assertEquals(3, distinctReceivers(account, concat(https, http, otherPort)));
    }

    @Test
    void claimGivesOneReceiverNoMoreThanItsCapWhateverPortItsUrlsSpell() throws Exception {
        TestAccount account = Webhooks.newAccount();
        String host = "cap-" + UUID.randomUUID() + ".example";
        for (int i = 0; i < CAP; i++) {
            insertPendingDelivery(account, "https://" + host + "/" + i, "now()");
            insertPendingDelivery(account, "https://" + host + ":443/" + i, "now()");
        }

        List<ClaimedDelivery> first = own(account, store.claim(1000, Duration.ofMinutes(1), UUID.randomUUID(), Map.of(), CAP));
        assertEquals(CAP, first.size(), "one receiver, one cap");

        // As the delivery poller counts its deliveries in flight: by the receiver each claimed row names.
        Map<String, Integer> inFlight = Map.of(first.get(0).receiver(), CAP);
        List<ClaimedDelivery> second = own(account, store.claim(1000, Duration.ofMinutes(1), UUID.randomUUID(), inFlight, CAP));
        assertEquals(0, second.size(), "a receiver at its cap gets nothing more, whichever URL spelling is pending");
    }

    private static List<ClaimedDelivery> own(TestAccount account, Uni<List<ClaimedDelivery>> claim) {
        return claim.await().atMost(Duration.ofSeconds(10)).stream()
                .filter(delivery -> delivery.accountId().toString().equals(account.id())).toList();
    }

    private static void insertPendingDelivery(TestAccount account, String url, String dueAt) throws Exception {
        Webhooks.execute("insert into delivery (id, account_id, kind, url, payload, max_attempts, due_at) "
                + "values (gen_random_uuid(), ?::uuid, 'callback-failed', ?, '{}', 3, " + dueAt + ")", account.id(), url);
    }

    private static long distinctReceivers(TestAccount account, List<String> urls) throws Exception {
        return Webhooks.count("select count(distinct receiver) from delivery where account_id = ?::uuid and url = any(?)",
                account.id(), urls.toArray(String[]::new));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Arrays.stream(lists).flatMap(List::stream).toList();
    }
}

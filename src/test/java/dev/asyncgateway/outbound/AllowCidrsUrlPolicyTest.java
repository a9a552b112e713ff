package dev.asyncgateway.outbound;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@TestProfile(LoopbackAllowListProfile.class)
class AllowCidrsUrlPolicyTest {

    private final TargetServer target = TargetServer.get();

    @Test
    void targetInAnAllowedCidrIsFetched() {
        String key = Api.newAccount();
        String id = Api.submitJob(Map.of("apiKey", key, "url", target.url("/ok")));

        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));
        Api.job(id).body("response.statusCode", equalTo(200));
    }

    @Test
    void addressesOutsideTheAllowedCidrsAreStillRefused() {
        String key = Api.newAccount();
        Api.submit(Map.of("apiKey", key, "url", target.url("/ok").replace("127.0.0.1", "127.0.0.2")))
                .statusCode(400).body("field", equalTo("url")).body("error", containsString("a loopback address"));
        assertEquals(0, Jobs.storedFor(key));
    }

    /** A callback URL that got past submission (settings changed since) is refused when connecting: one failed attempt. */
    @Test
    void callbackToARefusedAddressFailsItsDeliveryAtOnce() {
        String key = Api.newAccount();
        String id = Jobs.insertDue(key, target.url("/ok"), target.url("/hook").replace("127.0.0.1", "127.0.0.2"));

        await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(Api.job(id).extract().path("callback.status")));
        Api.job(id).body("status", equalTo("finished")).body("callback.attempts", equalTo(1));
        assertEquals(1, Jobs.count("select count(*) from delivery_attempt a join delivery d on d.id = a.delivery_id"
                + " where d.job_id = ?::uuid and a.error_kind = ?", id, UrlPolicyViolation.FAIL_REASON));
    }

    @Test
    void redirectToARefusedAddressFailsTheJobWithoutRetrying() {
        String key = Api.newAccount();
        String refusedHop = target.url("/ok").replace("127.0.0.1", "[::ffff:127.0.0.2]");
        String id = Api.submitJob(Map.of("apiKey", key, "url", target.url("/redirect-to?location=" + refusedHop)));

        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("failed"));
        Api.job(id).body("failReason", equalTo(UrlPolicyViolation.FAIL_REASON)).body("attempts", equalTo(1));
    }
}

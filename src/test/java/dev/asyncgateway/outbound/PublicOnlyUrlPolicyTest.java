package dev.asyncgateway.outbound;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.Jobs;
import dev.asyncgateway.testsupport.TargetServer;
import dev.asyncgateway.testsupport.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
@TestProfile(PublicOnlyProfile.class)
class PublicOnlyUrlPolicyTest {

    private final TargetServer target = TargetServer.get();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1/", "http://localhost/", "http://[::1]/", "http://2130706433/",
            "http://0x7f.1/", "http://0177.0.0.1/", "http://0/", "http://[::]/", "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/",
            "http://100.64.0.1/"})
    void nonPublicTargetIsRefusedOnSubmitAndNothingIsStored(String url) {
        String key = Api.newAccount();
        Api.submit(Map.of("apiKey", key, "url", url)).statusCode(400)
                .body("field", equalTo("url"))
                .body("error", containsString("outbound URL policy"));
        assertEquals(0, Jobs.storedFor(key));
    }

    @Test
    void oneRefusedUrlRefusesTheWholeBatch() {
        String key = Api.newAccount();
        io.restassured.RestAssured.given().contentType("application/json")
                .body(Map.of("apiKey", key, "urls", List.of("http://93.184.216.34/", "http://192.168.0.1/")))
                .post("/batchjobs").then().statusCode(400)
                .body("field", equalTo("urls[1]"))
                .body("error", containsString("a private (RFC 1918) address"));
        assertEquals(0, Jobs.storedFor(key));
    }

    @Test
    void nonPublicCallbackUrlIsRefusedOnSubmit() {
        String key = Api.newAccount();
        Api.submit(Map.of("apiKey", key, "url", "http://93.184.216.34/",
                        "callback", Map.of("type", "webhook", "url", "http://user:secret@127.0.0.1:9/hook")))
                .statusCode(400)
                .body("field", equalTo("callback.url"))
                .body("error", containsString("a loopback address"));
        assertEquals(0, Jobs.storedFor(key));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"url", "notificationUrl"})
    void nonPublicAccountWebhookUrlsAreRefused(String field) {
        String key = Api.newAccount();
        Webhooks.as(key).body(Map.of(field, "http://169.254.169.254/hook")).put("/account/webhook").then()
                .statusCode(400).body("field", equalTo(field)).body("error", containsString("a link-local address"));
        Webhooks.as(key).get("/account/webhook").then().statusCode(200).body(field, nullValue());
    }

    @Test
    void nonPublicProjectWebhookUrlIsRefused() {
        String key = Api.newAccount();
        Webhooks.as(key).body(Map.of("url", "http://[::1]:8080/hook")).put("/projects/shop/webhook").then()
                .statusCode(400).body("field", equalTo("url")).body("error", containsString("a loopback address"));
        Webhooks.as(key).get("/projects/shop/webhook").then().statusCode(404);
    }

    /** The submit check is not the only one: a host refused when connecting fails the job there, unfetched. */
    @Test
    void jobForLocalhostThatGotPastSubmissionFailsWithoutBeingFetched() {
        assertBlockedAtFetchTime("localhost");
    }

    /** A name that is not special at all, but resolves to a non-public address: the DNS answer is what gets checked. */
    @Test
    void jobWhoseHostNameResolvesToANonPublicAddressFailsWithoutBeingFetched() throws Exception {
        String hostName = InetAddress.getLocalHost().getHostName();
        boolean nonPublic = Arrays.stream(InetAddress.getAllByName(hostName))
                .allMatch(a -> a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress());
        assumeTrue(nonPublic && !hostName.equalsIgnoreCase("localhost"),
                "needs a machine host name that resolves to non-public addresses only; " + hostName + " does not");
        assertBlockedAtFetchTime(hostName);
    }

    private void assertBlockedAtFetchTime(String host) {
        String key = Api.newAccount();
        String path = "/ok";
        int hitsBefore = target.hits(path);
        String id = Jobs.insertDue(key, target.url(path).replace("127.0.0.1", host), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("failed"));

        Api.job(id).body("failReason", equalTo(UrlPolicyViolation.FAIL_REASON)).body("attempts", equalTo(1));
        assertEquals(hitsBefore, target.hits(path));
    }
}

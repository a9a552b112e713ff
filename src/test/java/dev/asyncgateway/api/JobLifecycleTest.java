package dev.asyncgateway.api;

import dev.asyncgateway.testsupport.Api;
import dev.asyncgateway.testsupport.TargetServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class JobLifecycleTest {

    private final TargetServer target = TargetServer.get();

    @Test
    void submittedJobIsFetchedAndItsResultIsReadableAtStatusUrl() {
        String key = Api.newAccount();
        String id = Api.submit(Map.of("apiKey", key, "url", target.url("/ok"), "meta", Map.of("order", 7, "tags", java.util.List.of("a"))))
                .statusCode(200)
                .body("status", equalTo("running"))
                .body("attempts", equalTo(0))
                .body("url", equalTo(target.url("/ok")))
                .body("meta.order", equalTo(7))
                .body("statusUrl", startsWith("http://"))
                .extract().path("id");

        await().atMost(Duration.ofSeconds(10)).until(() -> Api.status(id).equals("finished"));

        Api.job(id).statusCode(200)
                .body("attempts", equalTo(1))
                .body("meta.tags[0]", equalTo("a"))
                .body("response.statusCode", equalTo(200))
                .body("response.headers.'content-type'", equalTo("text/html; charset=utf-8"))
                .body("response.body", equalTo(TargetServer.HTML));
    }
}

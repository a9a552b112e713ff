package dev.asyncgateway.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class OpenApiTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyEndpointIsDocumentedWithASummaryAndAnExampleAnswer() {
        JsonPath document = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = document.getMap("paths");

        assertTrue(paths.size() >= 10, "every resource is in the document: " + paths.keySet());
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (!List.of("get", "post", "put", "delete").contains(method)) {
                return;
            }
            String name = method.toUpperCase() + " " + path;
            assertNotNull(operation.get("summary"), name + " has a summary");
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
            assertFalse(responses.isEmpty(), name + " documents its answers");
            boolean success = responses.keySet().stream().anyMatch(code -> code.startsWith("2"));
            assertTrue(success, name + " documents its success answer");
        }));
    }

    @Test
    void submissionExampleAndAuthenticationMatchTheReadme() {
        JsonPath document = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Object> request = document.getMap(
                "paths.'/jobs'.post.requestBody.content.'application/json'.examples.example.value");
        assertEquals("dev-key", request.get("apiKey"));
        assertEquals("http://localhost:8080/q/health/live", request.get("url"));
        assertEquals("running", document.getString(
                "paths.'/jobs'.post.responses.'200'.content.'application/json'.examples.example.value.status"));
        assertEquals("X-API-Key", document.getString("components.securitySchemes.apiKey.name"));
        assertTrue(document.getMap("paths.'/jobs'.get.security[0]").containsKey("apiKey"), "GET /jobs needs the API key");
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}

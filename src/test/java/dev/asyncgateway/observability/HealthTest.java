package dev.asyncgateway.observability;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class HealthTest {

    @Test
    void readinessIsUpAndNamesTheLatestMigration() throws IOException {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'gateway' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'gateway' }.data.schemaVersion", equalTo(latestMigration()));
    }

    @Test
    void livenessIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** The highest version among the migrations in the source tree, e.g. "1" or "2.1". */
    private static String latestMigration() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(file -> file.getFileName().toString().replaceFirst("^V([0-9_]+)__.*", "$1").replace('_', '.'))
                    .max(Comparator.comparing(Runtime.Version::parse))
                    .orElseThrow();
        }
    }
}

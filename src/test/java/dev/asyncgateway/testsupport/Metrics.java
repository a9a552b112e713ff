package dev.asyncgateway.testsupport;

import static io.restassured.RestAssured.given;

/** Reads the Prometheus text at {@code /q/metrics} as a client (a scraper) sees it. */
public final class Metrics {

    private Metrics() {
    }

    /**
     * The value of one series, named with its labels as Prometheus prints them, e.g.
     * {@code gateway_jobs_failed_total{reason="cancelled"}}; 0 when the series does not exist (yet).
     */
    public static double value(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}

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

    /** The sum of all series of one metric, whatever their labels, e.g. {@code http_server_active_requests}. */
    public static double sum(String metric) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return sum;
    }
}

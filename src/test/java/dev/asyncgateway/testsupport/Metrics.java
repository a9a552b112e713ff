package dev.asyncgateway.testsupport;

import java.util.function.Predicate;

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
        return sumOfLines(line -> line.startsWith(series + " "));
    }

    /** The sum of all series of one metric, whatever their labels, e.g. {@code http_server_active_requests}. */
    public static double sum(String metric) {
        return sumOfLines(line -> line.startsWith(metric + " ") || line.startsWith(metric + "{"));
    }

    /** The sum of the values of the sample lines chosen, from one scrape; 0 when none is. */
    private static double sumOfLines(Predicate<String> chosen) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (chosen.test(line)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return sum;
    }
}

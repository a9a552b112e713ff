package dev.asyncgateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The web console at {@code /console} (issue 21). */
@ConfigMapping(prefix = "gateway.console")
public interface ConsoleConfig {

    /** Whether {@code /console} is served at all; when false its pages answer 404. */
    @WithDefault("true")
    boolean enabled();

    /** How long a console sign-in lasts; the session cookie and its stored row expire together. */
    @WithDefault("8h")
    Duration sessionTtl();

    /** Jobs per page of the console's job list. */
    @WithDefault("25")
    int pageSize();

    /**
     * How many of a job's latest fetch attempts its timeline keeps (start, duration, status code or failure kind,
     * rendered, proxy). They are written by the statement that records each attempt's outcome anyway, so only the
     * row grows (by about 100 bytes an attempt); older attempts are only counted.
     */
    @WithDefault("20")
    int fetchAttemptsKept();

    /**
     * How often each instance writes its heartbeat row (host, start, work in flight) for the operator view, from a
     * timer off the hot path: one small statement per interval and instance, none while the console is disabled.
     * At least 1s (the scheduler's finest interval).
     */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** An instance whose heartbeat is older than this is shown as stale (crashed, or cut off from the database); keep it a few intervals. */
    @WithDefault("20s")
    Duration heartbeatStaleAfter();

    /** An instance whose heartbeat is older than this is removed from the list (by any other instance's heartbeat). */
    @WithDefault("10m")
    Duration heartbeatRemoveAfter();
}

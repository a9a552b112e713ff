package dev.asyncgateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting of the gateway. Each key is also an environment variable in upper case with
 * underscores, e.g. {@code gateway.callback.max-attempts} is {@code GATEWAY_CALLBACK_MAX_ATTEMPTS}.
 * Settings that contradict each other stop the start-up with a message naming both ({@link SettingsConsistency}).
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * Base URL used to build absolute {@code statusUrl}s, e.g. {@code https://jobs.example.com}. When unset it is
     * taken from the request's scheme, Host and path; X-Forwarded-Proto/Host/Prefix count only from the proxies
     * named in {@code quarkus.http.proxy.trusted-proxies} (none by default). Set it in production.
     */
    Optional<String> publicBaseUrl();

    /** When set, an account with this API key is ensured at start-up (local use and tests). */
    Optional<String> bootstrapApiKey();

    /** Bearer token for {@code /admin/*}; when unset the admin endpoints answer 404. */
    Optional<String> adminToken();

    Auth auth();

    /**
     * Keys that encrypt the secrets the gateway stores (AES-256-GCM): account webhook signing secrets, custom
     * webhook header values, and passwords in callback, webhook and notification URLs (only the password is
     * encrypted, so a stored URL keeps its host). Each key is the base64 of 32 random bytes
     * ({@code openssl rand -base64 32}); several, comma-separated, newest first: the first encrypts, any decrypts.
     * To rotate, put a new key in front, restart, run {@code POST /admin/secrets/re-encrypt}, then drop the old key.
     * A key that is not base64 of 32 bytes stops the start-up. When unset, secrets are stored in clear (the prod
     * profile logs a warning); values stored in clear earlier stay readable once a key is set.
     */
    Optional<String> secretsKey();

    Jobs jobs();

    Runner runner();

    Fetch fetch();

    Callback callback();

    UrlPolicy urlPolicy();

    Database database();

    Metrics metrics();

    CpuWork cpuWork();

    interface Jobs {
        /** Largest {@code timeoutSec} a job may ask for; also the default. ScraperAPI's window is 24 h. */
        @WithDefault("86400")
        int maxTimeoutSec();

        /**
         * Largest request body the API accepts, in bytes; larger ones get a 413 in the API's error shape.
         * {@code quarkus.http.limits.max-body-size} (20M) stays above it as the server's hard stop (the gateway refuses
         * to start otherwise).
         */
        @WithDefault("16777216")
        long requestMaxBytes();

        /** Submissions (requests to {@code POST /jobs} or {@code /batchjobs}) per second and account, per instance. */
        @WithDefault("1000")
        double submissionsPerSecond();

        /** Submissions an account may make at once above the steady rate, per instance. */
        @WithDefault("2000")
        int submissionBurst();

        /** How long an {@code Idempotency-Key} is remembered: a retry within this window returns the original jobs. */
        @WithDefault("24h")
        Duration idempotencyKeyTtl();

        /** Most URLs in one {@code POST /batchjobs}. */
        @WithDefault("50000")
        int batchMaxUrls();

        /** Largest serialized {@code meta} object, in bytes. */
        @WithDefault("16384")
        int metaMaxBytes();

        /** Longest accepted target URL, in characters. */
        @WithDefault("8192")
        int urlMaxLength();

        /** Most headers a job may ask to send to its target. */
        @WithDefault("64")
        int headersMaxCount();

        /** Largest total size of a job's headers (names plus values), in bytes. */
        @WithDefault("16384")
        int headersMaxBytes();

        /** Largest request body a job may send to its target, in bytes. */
        @WithDefault("1048576")
        int bodyMaxBytes();

        /** Largest and default page size of {@code GET /jobs}. */
        @WithDefault("500")
        int listMaxLimit();

        /**
         * How long finished and failed jobs are kept, and batches (counted from their creation, and kept while any of
         * their jobs is); each goes with its deliveries and their attempt logs. A job or batch whose delivery is
         * still pending is kept until that delivery ends. Idempotency keys have their own lifetime
         * ({@link #idempotencyKeyTtl()}).
         */
        @WithDefault("72h")
        Duration retention();

        /** How often ended jobs past retention are purged. */
        @WithDefault("1m")
        Duration purgeInterval();

        /** How many rows (jobs, batches, deliveries or idempotency keys) one purge statement deletes. */
        @WithDefault("1000")
        int purgeBatchSize();

        /**
         * What a submission's fields and {@code apiParams} that this gateway does not use get: {@code lenient} accepts
         * the job and lists each in the answer's {@code warnings}; {@code strict} refuses the request with a 400 naming
         * the field, as a request with the header {@code Prefer: handling=strict} (RFC 7240) gets either way. Wrong
         * types and impossible values are refused in both modes.
         */
        @WithDefault("lenient")
        ParamsHandling params();
    }

    /** See {@link Jobs#params()}. */
    enum ParamsHandling { LENIENT, STRICT }

    interface Runner {
        /** Whether this instance runs jobs and deliveries at all (an API-only instance sets false). */
        @WithDefault("true")
        boolean enabled();

        /** Target fetches in flight per instance; claims never exceed the free slots. */
        @WithDefault("256")
        int concurrency();

        /** Most jobs claimed by one statement. */
        @WithDefault("128")
        int claimBatchSize();

        /**
         * Most jobs of one account being fetched at once, across all instances (counted in the database, under a
         * lock on the account, so claims of several instances at once cannot exceed it together).
         * Claims also take accounts round-robin, so this only bounds what a single busy account may hold.
         */
        @WithDefault("512")
        int accountMaxInFlight();

        /** How long a claimed job is reserved for this instance before another may take it. Renewed while a fetch runs. */
        @WithDefault("30s")
        Duration lease();

        /** Fallback poll when no wake-up arrives (new jobs wake the runner at once). */
        @WithDefault("5s")
        Duration pollInterval();

        /** Most job results written by one completion statement. */
        @WithDefault("256")
        int completionBatchSize();

        /**
         * On shutdown (SIGTERM), how long in-flight fetches and deliveries may take to finish; what is still
         * running then is handed back to the queue (due at once) for another instance. Keep it below the
         * platform's termination grace period (30 s on Kubernetes and Knative by default).
         */
        @WithDefault("20s")
        Duration shutdownGrace();

        /** Longest time one {@code POST /admin/drain} keeps working; keep it below the platform's request timeout. */
        @WithDefault("4m")
        Duration drainMaxDuration();

        /** While {@code POST /admin/drain} runs, how often it checks whether due work is left; shorter than {@link #drainMaxDuration()}. */
        @WithDefault("500ms")
        Duration drainCheckInterval();
    }

    interface Fetch {
        /** TCP connect timeout for target fetches. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Time allowed for one fetch attempt, from request start to the full response. */
        @WithDefault("60s")
        Duration attemptTimeout();

        /** Largest target response body kept; a larger one fails the attempt. */
        @WithDefault("10485760")
        int maxBodyBytes();

        /** Most redirect hops followed when {@code follow_redirect} is on. */
        @WithDefault("10")
        int maxRedirects();

        /** Pooled connections per target host. */
        @WithDefault("50")
        int poolSizePerHost();

        /** First retry delay; doubled per attempt with jitter. */
        @WithDefault("1s")
        Duration retryInitialDelay();

        /** Longest delay between two attempts, also the cap for a target's Retry-After; at least {@link #retryInitialDelay()}. */
        @WithDefault("5m")
        Duration retryMaxDelay();

        /**
         * The proxy pool: comma-separated {@code http://} or {@code socks5://} URLs, each with optional credentials
         * ({@code user:password@}, percent-encoded) and tags after {@code #}: {@code country} (two letters) and
         * {@code tier} ({@code standard}, {@code premium} or {@code ultra_premium}), e.g.
         * {@code http://user:pass@10.0.0.5:3128#country=us&tier=premium}. When set, every target fetch goes through
         * one of them. Proxy addresses are operator configuration: the outbound URL policy does not apply to them. A
         * malformed entry stops the start-up.
         */
        Optional<List<String>> proxies();

        /** Consecutive connection failures after which a proxy of the pool rests. */
        @WithDefault("3")
        int proxyFailuresBeforeRest();

        /** How long a proxy that failed {@link #proxyFailuresBeforeRest()} times in a row is left out of the choice. */
        @WithDefault("30s")
        Duration proxyRest();

        /** How long a {@code session_number} keeps its proxy without being used (ScraperAPI's rule: 15 minutes). */
        @WithDefault("15m")
        Duration proxySessionIdle();

        /**
         * Whether target fetches carry the job's W3C trace headers ({@code traceparent}, {@code tracestate}) when the
         * job is traced. Off by default: targets are third parties, and trace ids are nothing they need to see.
         */
        @WithDefault("false")
        boolean propagateTrace();
    }

    interface Callback {
        /** Attempts per delivery; never more than 3 unless raised here. */
        @WithDefault("3")
        int maxAttempts();

        /** Delays before the 2nd, 3rd, ... attempt (±20 % jitter); the last one repeats if there are more attempts. */
        @WithDefault("30s,5m")
        List<Duration> retryDelays();

        /** Time allowed for one delivery attempt. */
        @WithDefault("30s")
        Duration timeout();

        /** Longest Retry-After from a receiver that is honoured. */
        @WithDefault("1h")
        Duration maxRetryAfter();

        /** Deliveries in flight per instance. */
        @WithDefault("256")
        int concurrency();

        /** Deliveries in flight to one receiver host, so a slow receiver cannot take every slot. */
        @WithDefault("128")
        int concurrencyPerHost();

        /**
         * How long a claimed delivery is reserved for this instance. It is not renewed, so it must be longer than
         * {@link #timeout()} (the gateway refuses to start otherwise): a delivery still being sent is never claimed again.
         */
        @WithDefault("60s")
        Duration lease();

        /** How long the previous signing secret keeps signing after a rotation. */
        @WithDefault("24h")
        Duration secretRotationOverlap();

        /** Most deliveries claimed by one statement. */
        @WithDefault("128")
        int claimBatchSize();

        /** How much of a receiver's answer is kept in the attempt log, in bytes. */
        @WithDefault("2048")
        int responseLogBytes();

        /** Most deliveries whose outcome one statement records. */
        @WithDefault("256")
        int recordBatchSize();

        /**
         * How often batches are checked for having ended, as a safety net: the instance that ends a
         * batch's last job announces it at once; this catches announcements a crash interrupted.
         */
        @WithDefault("30s")
        Duration batchSweepInterval();

        /** Most batches one sweep statement announces; the sweep goes on while it finds that many. */
        @WithDefault("500")
        int batchSweepSize();
    }

    /**
     * Which addresses targets, redirect hops, callbacks and notification URLs may reach. Checked at
     * submission and again on the resolved address when connecting; by default only public addresses.
     */
    interface UrlPolicy {
        /**
         * Allow private, loopback, link-local, CGNAT, IPv6 unique-local and special-purpose addresses.
         * Unspecified, multicast and broadcast addresses stay refused. On in the dev and test profiles only.
         */
        @WithDefault("false")
        boolean allowPrivateNetworks();

        /** Comma-separated CIDR blocks reachable even though they are not public, e.g. {@code 10.1.0.0/16,fd00:1::/64}. */
        Optional<List<String>> allowCidrs();

        /** Comma-separated ports outbound URLs may use; unset means any. */
        Optional<List<Integer>> allowedPorts();

        /**
         * Longest time one host-name lookup may take, all its queries together (A and AAAA, each name server,
         * each search domain). Lookups never hold a thread while they wait, so a name server that never answers
         * delays only the requests for its names; when the time runs out the attempt fails with error kind
         * {@code dns} and is retried like other network failures. Keep it below {@code gateway.fetch.attempt-timeout}
         * and {@code gateway.callback.timeout}, or those cut it short.
         */
        @WithDefault("5s")
        Duration dnsTimeout();

        /**
         * Name servers to ask, comma-separated IP addresses with an optional port ({@code 10.0.0.2:53},
         * {@code [fd00::53]:5353}), tried in order. Unset means the name servers and search domains of
         * {@code /etc/resolv.conf}. The hosts file ({@code /etc/hosts}) is read first either way.
         */
        Optional<List<String>> dnsServers();
    }

    interface Database {
        /** How long to wait for PostgreSQL to accept a new connection; bounds a request's wait when the database host is unreachable. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** How long a statement waits for a free pooled connection before the request gets a 503. */
        @WithDefault("10s")
        Duration acquireTimeout();

        /** How many API statements in a row must fail for want of the database before the breaker answers 503 at once. */
        @WithDefault("4")
        int breakerRequestVolume();

        /** How long the open breaker answers 503 at once before letting a statement probe the database again. */
        @WithDefault("5s")
        Duration breakerDelay();

        /**
         * The embedded PostgreSQL (EmbeddedDatabaseConfigSourceFactory, read before this mapping): {@code false} never
         * (the default), {@code auto} when nothing answers at the configured datasource (dev mode), {@code true}
         * always (GATEWAY_DATABASE_EMBEDDED=true: single-instance trials, not for production; JVM only).
         */
        @WithDefault("false")
        String embedded();

        /** Where the embedded PostgreSQL keeps its data (relative to the working directory); dev mode: target/embedded-postgres. */
        @WithDefault("embedded-postgres")
        String embeddedDirectory();
    }

    /**
     * Authentication of API keys. A resolved key is remembered (its SHA-256, never the key) so a request with a known
     * key costs no database round trip; a key that resolves to no account is never remembered. These two settings
     * size the cache {@code quarkus.cache.caffeine.api-keys} (see application.properties).
     */
    interface Auth {
        /** Most keys remembered at once; beyond it the least used are forgotten (and looked up again when they return). */
        @WithDefault("10000")
        long keyCacheMaxSize();

        /**
         * How long a resolved key is remembered before it is looked up again: the longest a key keeps working after
         * its account is removed from the database.
         */
        @WithDefault("10m")
        Duration keyCacheExpireAfterWrite();
    }

    interface Metrics {
        /**
         * Least time between two refreshes of the queue gauges (depth, oldest due age). They are refreshed
         * only when {@code /q/metrics} is scraped, so an idle instance that nobody scrapes runs no query.
         */
        @WithDefault("10s")
        Duration queueRefreshInterval();
    }

    /**
     * The pool that CPU-heavy work runs on instead of an event loop (see {@code common.CpuWorkers}): converting
     * pages to text or Markdown, encoding large results, building and signing large callbacks, reading large
     * submissions. The event loops keep serving requests, health probes and lease renewals meanwhile.
     */
    interface CpuWork {
        /** Threads of the pool; when unset, as many as the cores the JVM sees. */
        OptionalInt threads();

        /**
         * Work proportional to its size (a result, a callback body or a submission larger than this many bytes) runs on
         * the pool; smaller work runs at once on the event loop, where it costs less than the hop (well under a
         * millisecond at 64 KiB). Converting a page always runs on the pool, whatever its size.
         */
        @WithDefault("65536")
        int offloadAboveBytes();

        /**
         * Most tasks waiting for a thread of the pool. Past it, a large {@code POST /jobs} or {@code POST /batchjobs}
         * is answered 503 with {@code Retry-After}; jobs and callbacks always wait their turn (their slots bound them).
         */
        @WithDefault("64")
        int maxQueued();
    }
}

package dev.asyncgateway.api;

/**
 * Example bodies for the OpenAPI document ({@code /q/openapi}, Swagger UI at {@code /q/swagger-ui}): the
 * same values as the README's curl session, so the two read alike; and the names of the two ways to
 * authenticate (declared on {@link JobResource} and {@link AdminResource}).
 */
final class ApiExamples {

    /** Security scheme: the account's API key. */
    static final String API_KEY = "apiKey";
    /** Security scheme: the admin token. */
    static final String ADMIN_TOKEN = "adminToken";

    private ApiExamples() {
    }

    static final String JOB_ID = "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f";
    static final String BATCH_ID = "0b9d2e44-7c61-4f3a-a1de-5f8c2b7e9d10";

    static final String SUBMIT = """
            {"apiKey": "dev-key", "url": "http://localhost:8080/q/health/live", "meta": {"orderId": 42},
             "callback": {"type": "webhook", "url": "https://example.com/hooks/one"}}""";
    static final String SUBMITTED = """
            {"id": "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f", "status": "running",
             "statusUrl": "http://localhost:8080/jobs/6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f",
             "url": "http://localhost:8080/q/health/live", "attempts": 0, "meta": {"orderId": 42},
             "callback": {"url": "https://example.com/hooks/one", "status": "pending", "attempts": 0}}""";
    static final String SUBMIT_BATCH = """
            {"apiKey": "dev-key", "urls": ["http://localhost:8080/q/health/live", "http://localhost:8080/q/health/ready"]}""";
    static final String SUBMITTED_BATCH = """
            [{"id": "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f", "status": "running",
              "statusUrl": "http://localhost:8080/jobs/6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f",
              "url": "http://localhost:8080/q/health/live", "attempts": 0, "batchId": "0b9d2e44-7c61-4f3a-a1de-5f8c2b7e9d10"},
             {"id": "91a3c0de-5e2f-4b7a-8c19-2d4f6a8b0c3e", "status": "running",
              "statusUrl": "http://localhost:8080/jobs/91a3c0de-5e2f-4b7a-8c19-2d4f6a8b0c3e",
              "url": "http://localhost:8080/q/health/ready", "attempts": 0, "batchId": "0b9d2e44-7c61-4f3a-a1de-5f8c2b7e9d10"}]""";
    static final String FINISHED = """
            {"id": "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f", "status": "finished",
             "statusUrl": "http://localhost:8080/jobs/6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f",
             "url": "http://localhost:8080/q/health/live", "attempts": 1, "meta": {"orderId": 42},
             "response": {"statusCode": 200, "headers": {"content-type": "application/json; charset=UTF-8"},
                          "body": "{\\"status\\": \\"UP\\", \\"checks\\": []}", "finalUrl": "http://localhost:8080/q/health/live"},
             "callback": {"url": "https://example.com/hooks/one", "status": "delivered", "attempts": 1},
             "createdAt": "2026-01-05T10:15:30.123Z", "finishedAt": "2026-01-05T10:15:30.456Z"}""";
    static final String CANCELLED = """
            {"id": "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f", "status": "failed",
             "statusUrl": "http://localhost:8080/jobs/6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f",
             "url": "http://localhost:8080/q/health/live", "attempts": 0, "failReason": "cancelled",
             "createdAt": "2026-01-05T10:15:30.123Z", "finishedAt": "2026-01-05T10:15:31.002Z"}""";
    static final String PAGE = """
            {"jobs": [{"id": "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f", "status": "finished",
                       "statusUrl": "http://localhost:8080/jobs/6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f",
                       "url": "http://localhost:8080/q/health/live", "attempts": 1,
                       "createdAt": "2026-01-05T10:15:30.123Z", "finishedAt": "2026-01-05T10:15:30.456Z"}],
             "nextCursor": "MjAyNi0wMS0wNVQxMDoxNTozMC4xMjNafDZjMWY"}""";
    static final String BATCH = """
            {"id": "0b9d2e44-7c61-4f3a-a1de-5f8c2b7e9d10", "status": "running", "size": 2,
             "counts": {"running": 1, "finished": 1, "failed": 0},
             "statusUrl": "http://localhost:8080/batchjobs/0b9d2e44-7c61-4f3a-a1de-5f8c2b7e9d10",
             "createdAt": "2026-01-05T10:15:30.123Z"}""";
    static final String CREATE_ACCOUNT = """
            {"name": "Acme"}""";
    static final String CREATED_ACCOUNT = """
            {"id": "3f2b8c1d-9e4a-4d6b-b7c0-1a2e3f4d5c6b", "name": "Acme", "apiKey": "gk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"}""";
    static final String DRAINED = """
            {"drained": true, "jobsDue": 0, "jobsQueued": 3, "deliveriesDue": 0, "deliveriesQueued": 0, "durationMs": 1840}""";
    static final String RE_ENCRYPTED = """
            {"keyId": "Xq3v9JcA", "checked": 1250, "reEncrypted": 1248, "changedMeanwhile": 0, "unreadable": 0}""";
    static final String ACCOUNT_WEBHOOK = """
            {"url": "https://example.com/hooks/all", "headers": [{"key": "Authorization", "value": "Bearer s3cret"}],
             "encoding": "json", "notificationUrl": "https://example.com/hooks/alerts"}""";
    static final String ACCOUNT_WEBHOOK_VIEW = """
            {"url": "https://example.com/hooks/all", "target": "https://example.com/hooks/all",
             "headers": [{"key": "Authorization", "value": "Bea****"}], "encoding": "json",
             "notificationUrl": "https://example.com/hooks/alerts"}""";
    static final String PROJECT_WEBHOOK = """
            {"url": "https://example.com/hooks/shop", "headers": [{"key": "X-Shop", "value": "eu"}], "encoding": "form"}""";
    static final String PROJECT_WEBHOOK_VIEW = """
            {"project": "shop", "url": "https://example.com/hooks/shop", "target": "https://example.com/hooks/shop",
             "headers": [{"key": "X-Shop", "value": "eu"}], "encoding": "form"}""";
    static final String SECRET = """
            {"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}""";
    static final String ATTEMPTS = """
            {"jobId": "6c1f4a7e-2b1d-4c8e-9f0a-3d5e7b9c1a2f", "attempts": [
              {"deliveryId": "5d7e9f1a-3b5c-4d7e-8f9a-0b1c2d3e4f5a", "attempt": 1, "startedAt": "2026-01-05T10:15:30.500Z",
               "durationMs": 87, "statusCode": 503, "error": "HTTP 503", "responseBody": "try later"},
              {"deliveryId": "5d7e9f1a-3b5c-4d7e-8f9a-0b1c2d3e4f5a", "attempt": 2, "startedAt": "2026-01-05T10:16:01.020Z",
               "durationMs": 41, "statusCode": 200, "responseBody": "ok"}]}""";

    static final String INVALID = """
            {"error": "'url' is required", "field": "url"}""";
    static final String UNAUTHORIZED = """
            {"error": "unknown API key"}""";
    static final String JOB_NOT_FOUND = """
            {"error": "job not found"}""";
}

package dev.asyncgateway.testsupport;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on a UDP port of 127.0.0.1, made the gateway's only name server (and given a lookup timeout
 * of {@link #LOOKUP_TIMEOUT}). Names under {@link #RESOLVABLE} resolve to 127.0.0.1; every other query is
 * read, remembered and never answered, like a domain whose name server is down.
 */
public class FakeNameServer extends LoopbackNameServer {

    /** Names under this domain resolve to 127.0.0.1. */
    public static final String RESOLVABLE = ".resolvable.test";
    public static final String LOOKUP_TIMEOUT = "8s";

    private static final Set<String> UNANSWERED = ConcurrentHashMap.newKeySet();

    public FakeNameServer() {
        super("fake-name-server");
    }

    @Override
    protected Map<String, String> settings(int port) {
        return Map.of("gateway.url-policy.dns-servers", "127.0.0.1:" + port,
                "gateway.url-policy.dns-timeout", LOOKUP_TIMEOUT,
                // Longer than the lookup timeout, so a stalled lookup ends as a DNS failure, not an attempt timeout.
                "gateway.fetch.attempt-timeout", "12s");
    }

    @Override
    protected byte[] respond(byte[] query, Question question) {
        if (question.name().endsWith(RESOLVABLE)) {
            return answer(query, question, new byte[] {127, 0, 0, 1}, 60);
        }
        UNANSWERED.add(question.name());
        return null;
    }

    /** Distinct names that were asked for and never answered. */
    public static int unansweredNames() {
        return UNANSWERED.size();
    }
}

package dev.asyncgateway.render;

import dev.asyncgateway.testsupport.LoopbackNameServer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The render settings of {@link RenderProfile} with a DNS server on 127.0.0.1 as the gateway's only name server, all
 * of whose answers have a TTL of 0 (never to be cached). Names under {@link #STABLE} always resolve to 127.0.0.1, the
 * address the test URL policy allows; a name under {@link #REBINDING} resolves to 127.0.0.1 the first time it is
 * asked for and to 127.0.0.2, a refused address, every time after: DNS rebinding. Other names get no address.
 * The browser's own resolver knows none of these names.
 */
public class RebindingNameServer extends LoopbackNameServer {

    public static final String STABLE = ".stable.test";
    public static final String REBINDING = ".rebind.test";

    private static final byte[] ALLOWED = {127, 0, 0, 1};
    private static final byte[] REFUSED = {127, 0, 0, 2};
    private static final Map<String, AtomicInteger> ASKED = new ConcurrentHashMap<>();

    public RebindingNameServer() {
        super("rebinding-name-server");
    }

    @Override
    protected Map<String, String> settings(int port) {
        Map<String, String> settings = new HashMap<>(new RenderProfile().getConfigOverrides());
        settings.put("gateway.url-policy.dns-servers", "127.0.0.1:" + port);
        settings.put("gateway.url-policy.dns-timeout", "2s");
        return settings;
    }

    @Override
    protected byte[] respond(byte[] query, Question question) {
        return answer(query, question, address(question), 0);
    }

    /** How many times {@code name} was asked for its IPv4 address. */
    public static int asked(String name) {
        AtomicInteger count = ASKED.get(name);
        return count == null ? 0 : count.get();
    }

    /** The address to answer with, or null for an answer without one. */
    private static byte[] address(Question question) {
        String name = question.name();
        if (question.type() != TYPE_A) {
            return null;
        }
        if (name.endsWith(STABLE)) {
            ASKED.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            return ALLOWED;
        }
        if (name.endsWith(REBINDING)) {
            return ASKED.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() == 1 ? ALLOWED : REFUSED;
        }
        return null;
    }
}

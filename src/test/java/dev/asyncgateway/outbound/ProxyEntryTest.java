package dev.asyncgateway.outbound;

import dev.asyncgateway.store.ApiParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Entries of GATEWAY_FETCH_PROXIES: what they mean, and start-up messages that never quote a password. */
class ProxyEntryTest {

    @Test
    void anEntryGivesTheProxyItsCredentialsTagsAndALabelWithoutThem() {
        ProxyPool.Proxy proxy = ProxyPool.parse("http://us%40er:p%3Ass@10.0.0.5:3128#country=US&tier=premium", 1);
        assertThat(proxy.label(), equalTo("http://10.0.0.5:3128"));
        assertThat(proxy.options().getUsername(), equalTo("us@er"));
        assertThat(proxy.options().getPassword(), equalTo("p:ss"));
        assertThat(proxy.serves("us", ApiParams.Tier.PREMIUM), equalTo(true));
        assertThat(proxy.serves("us", ApiParams.Tier.ULTRA_PREMIUM), equalTo(false));
        assertThat(proxy.serves("de", ApiParams.Tier.STANDARD), equalTo(false));
        assertThat(ProxyPool.parse("socks5://10.0.0.7:1080", 2).serves(null, ApiParams.Tier.STANDARD), equalTo(true));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://user:secret@10.0.0.5:3128|https:// proxy",
            "ftp://user:secret@10.0.0.5:21|http:// or socks5://",
            "http://user:secret@10.0.0.5|host and a port",
            "http://user:secret@10.0.0.5:3128#country=usa|two letters",
            "http://user:secret@10.0.0.5:3128#tier=gold|tiers are",
            "http://user:secret@10.0.0.5:3128#colour=red|unknown tag",
            "http://user:secret@10.0.0.5:31 28|not a valid URL"})
    void aMalformedEntryStopsTheStartUpWithoutQuotingItsPassword(String entry, String message) {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ProxyPool.parse(entry, 3));
        assertThat(refused.getMessage(), containsString("entry 3"));
        assertThat(refused.getMessage(), containsString(message));
        assertThat(refused.getMessage(), not(containsString("secret")));
    }
}

package dev.asyncgateway.job;

import dev.asyncgateway.common.CredentialMask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a URL shows of the credentials in it: the user name of a user:password pair, nothing of a lone token. */
class CredentialMaskTest {

    @ParameterizedTest
    @CsvSource({
            "https://hook:s3cret@example.com/cb,             https://hook:****@example.com/cb",
            "https://hook%40user:p%40ss@example.com/cb?x=1,  https://hook%40user:****@example.com/cb?x=1",
            "https://ghp_T0ken@example.com/cb,               https://****@example.com/cb",
            "https://T0ken@example.com:8443/cb#f,            https://****@example.com:8443/cb#f",
            "https://example.com/cb?next=a@b,                https://example.com/cb?next=a@b",
            "https://example.com/cb,                         https://example.com/cb",
    })
    void urlShowsNoSecretOfItsUserInfo(String url, String shown) {
        assertEquals(shown, CredentialMask.url(url));
    }

    @ParameterizedTest
    @CsvSource({"'', ****", "abcd, ****", "Bearer abcdefgh, Bea****"})
    void headerValueShowsAtMostAQuarterOfItsStart(String value, String shown) {
        assertEquals(shown, CredentialMask.headerValue(value));
    }
}

package dev.asyncgateway.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlPasswordTest {

    private static final SecretBox BOX = SecretBox.fromSetting("tJVCv9eLZkH9+LIMWKZkxprejFO98se6hGkVzNrwS84=", "test");

    @Test
    void onlyThePasswordIsReplacedAndEverythingElseStays() {
        assertEquals("https://user:X@hooks.example.com:8443/in?a=b@c#f",
                UrlPassword.replace("https://user:p%40ss:w@hooks.example.com:8443/in?a=b@c#f", password -> "X"));
    }

    @Test
    void aSealedPasswordOpensToTheExactUrlAndStaysMaskable() {
        String url = "https://user:p%40ss+w%2Bord@hooks.example.com/in?x=1";
        String sealed = UrlPassword.replace(url, BOX::seal);

        assertFalse(sealed.contains("p%40ss"), sealed);
        assertTrue(sealed.startsWith("https://user:gcm1:"), sealed);
        assertTrue(sealed.endsWith("@hooks.example.com/in?x=1"), sealed);
        assertEquals(url, UrlPassword.replace(sealed, BOX::open));
        assertEquals("https://user:****@hooks.example.com/in?x=1", CredentialMask.url(sealed));
    }

    @Test
    void urlsWithoutAPasswordAreLeftAsTheyAre() {
        for (String url : new String[] {"https://hooks.example.com/in", "https://token@hooks.example.com/in",
                "https://user:@hooks.example.com/in", "https://hooks.example.com/in?to=a@b", "not a url @ all"}) {
            assertEquals(url, UrlPassword.replace(url, password -> "X"), url);
        }
        assertNull(UrlPassword.replace(null, password -> "X"));
    }
}

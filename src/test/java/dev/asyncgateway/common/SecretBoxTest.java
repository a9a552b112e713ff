package dev.asyncgateway.common;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {

    private static final String KEY_A = "tJVCv9eLZkH9+LIMWKZkxprejFO98se6hGkVzNrwS84=";
    private static final String KEY_B = "CK2cpLzAhWUMzYuaWv7lxT+1ANbtu0Nz1yFRof03GBQ=";
    private static final SecretBox UNDER_A = SecretBox.fromSetting(KEY_A, "test");
    private static final SecretBox UNDER_B = SecretBox.fromSetting(KEY_B, "test");
    private static final SecretBox B_THEN_A = SecretBox.fromSetting(KEY_B + "," + KEY_A, "test");

    @Test
    void sealedValuesOpenAndNeverRepeat() {
        String first = UNDER_A.seal("whsec-material");
        String second = UNDER_A.seal("whsec-material");

        assertTrue(first.startsWith("gcm1:" + UNDER_A.currentKeyId() + ":"), first);
        assertFalse(first.contains("whsec-material"));
        assertNotEquals(first, second, "a random nonce per value");
        assertEquals("whsec-material", UNDER_A.open(first));
        assertEquals("whsec-material", UNDER_A.open(second));
        assertEquals("", UNDER_A.open(UNDER_A.seal("")));
        assertEquals("päss wörd ✓", UNDER_A.open(UNDER_A.seal("päss wörd ✓")));
        assertNull(UNDER_A.seal(null));
        assertNull(UNDER_A.open(null));
    }

    @Test
    void anAlteredValueIsRefused() {
        String sealed = UNDER_A.seal("secret");
        int last = sealed.length() - 5;
        char flipped = sealed.charAt(last) == 'A' ? 'B' : 'A';
        String tampered = sealed.substring(0, last) + flipped + sealed.substring(last + 1);

        assertThrows(SecretBox.UnreadableSecretException.class, () -> UNDER_A.open(tampered));
        assertThrows(SecretBox.UnreadableSecretException.class, () -> UNDER_A.open(sealed.substring(0, 20)));
        assertThrows(SecretBox.UnreadableSecretException.class, () -> UNDER_A.open(sealed + "!"));
    }

    @Test
    void theKeyIdIsBoundToTheValue() {
        String underA = UNDER_A.seal("secret");
        String relabelled = underA.replace(UNDER_A.currentKeyId(), UNDER_B.currentKeyId());

        assertThrows(SecretBox.UnreadableSecretException.class, () -> B_THEN_A.open(relabelled));
    }

    @Test
    void aValueUnderAnotherKeyIsRefusedWithoutQuotingIt() {
        String underA = UNDER_A.seal("secret");

        var refused = assertThrows(SecretBox.UnreadableSecretException.class, () -> UNDER_B.open(underA));
        assertTrue(refused.getMessage().contains(UNDER_A.currentKeyId()), refused.getMessage());
        assertFalse(refused.getMessage().contains(underA.substring(underA.lastIndexOf(':') + 1)));
        assertThrows(SecretBox.UnreadableSecretException.class, () -> SecretBox.withoutKeys().open(underA));
    }

    @Test
    void anOlderKeyStillOpensAndResealingMovesToTheNewestKey() {
        String underA = UNDER_A.seal("secret");

        assertEquals("secret", B_THEN_A.open(underA));
        assertFalse(B_THEN_A.isCurrent(underA));
        String resealed = B_THEN_A.reseal(underA);
        assertTrue(B_THEN_A.isCurrent(resealed));
        assertEquals("secret", UNDER_B.open(resealed), "key B alone opens it once resealed");
        assertEquals(resealed, B_THEN_A.reseal(resealed), "a current value is left as it is");
        assertTrue(B_THEN_A.seal("x").startsWith("gcm1:" + UNDER_B.currentKeyId() + ":"), "the first key seals");
    }

    @Test
    void clearLegacyValuesPassThroughAndAreSealedWhenResealed() {
        assertEquals("written-before-any-key", B_THEN_A.open("written-before-any-key"));
        assertFalse(B_THEN_A.isCurrent("written-before-any-key"));
        String resealed = B_THEN_A.reseal("written-before-any-key");
        assertEquals("written-before-any-key", UNDER_B.open(resealed));
        assertFalse(resealed.contains("written-before-any-key"));
    }

    @Test
    void withoutKeysValuesStayClearAndNeverPassForSealed() {
        SecretBox none = SecretBox.withoutKeys();

        assertFalse(none.hasKey());
        assertEquals("plain", none.seal("plain"));
        assertEquals("plain", none.open("plain"));
        assertTrue(none.isCurrent("plain"));
        String lookalike = "gcm1:abcdefgh:AAAA";
        assertNotEquals(lookalike, none.seal(lookalike));
        assertEquals(lookalike, none.open(none.seal(lookalike)));
        assertEquals("clear1:x", none.open(none.seal("clear1:x")));
        assertEquals(lookalike, UNDER_A.open(UNDER_A.seal(lookalike)));
    }

    @Test
    void unusableKeySettingsAreRefusedWithAMessageThatNamesTheSettingAndNotTheKey() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        var wrongLength = assertThrows(IllegalArgumentException.class,
                () -> SecretBox.fromSetting(KEY_A + "," + shortKey, "GATEWAY_SECRETS_KEY"));
        assertTrue(wrongLength.getMessage().startsWith("GATEWAY_SECRETS_KEY: key 2 of 2 decodes to 16 bytes"), wrongLength.getMessage());
        assertFalse(wrongLength.getMessage().contains(shortKey));

        var notBase64 = assertThrows(IllegalArgumentException.class, () -> SecretBox.fromSetting("not*base64!", "GATEWAY_SECRETS_KEY"));
        assertTrue(notBase64.getMessage().contains("key 1 of 1 is not base64"), notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("not*base64!"));

        assertThrows(IllegalArgumentException.class, () -> SecretBox.fromSetting(KEY_A + ",", "GATEWAY_SECRETS_KEY"));
        var repeated = assertThrows(IllegalArgumentException.class, () -> SecretBox.fromSetting(KEY_A + "," + KEY_A, "GATEWAY_SECRETS_KEY"));
        assertTrue(repeated.getMessage().contains("repeats"), repeated.getMessage());
    }

    @Test
    void keysMayBeBase64urlAndBlankMeansNone() {
        String urlSafe = KEY_A.replace('+', '-').replace('/', '_').replace("=", "");
        SecretBox sameKey = SecretBox.fromSetting(" " + urlSafe + " ", "test");

        assertEquals(UNDER_A.currentKeyId(), sameKey.currentKeyId());
        assertEquals("secret", sameKey.open(UNDER_A.seal("secret")));
        assertFalse(SecretBox.fromSetting("  ", "test").hasKey());
        assertFalse(SecretBox.fromSetting(null, "test").hasKey());
    }
}

package dev.asyncgateway.common;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encrypts the secrets the gateway stores (AES-256-GCM, 96-bit random nonce, 128-bit tag) under a key ring:
 * the first key seals, every key opens, so a new key can be put in front of the old one and rows re-encrypted
 * at leisure. A sealed value is text, {@code gcm1:<keyId>:<base64url(nonce | ciphertext | tag)>}, where the key id
 * is a short hash of the key; the version and key id are authenticated with it (associated data), so neither can
 * be swapped. Values without the prefix are clear (rows written before a key was configured) and open as they are.
 * <p>
 * Without keys nothing is encrypted; a clear value that merely looks sealed is then stored with the
 * {@value #CLEAR_ESCAPE} prefix, so that it is never mistaken for a sealed one.
 * <p>
 * Immutable and thread-safe. Opening or sealing a short value costs microseconds: fine on an event loop.
 */
public final class SecretBox {

    /** Prefix of a sealed value; the version names the format (AES-GCM, the layout above). */
    public static final String SEALED_PREFIX = "gcm1:";
    /** Prefix of a clear value that would otherwise look sealed (only written when no key is configured). */
    public static final String CLEAR_ESCAPE = "clear1:";

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_ID_BYTES = 6;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    /** A Cipher is not thread-safe; one per thread spares a provider look-up per value. */
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(SecretBox::newCipher);

    /** A stored value that cannot be opened: sealed under a key that is not configured, or altered. */
    public static final class UnreadableSecretException extends RuntimeException {
        UnreadableSecretException(String message) {
            super(message, null, false, false);
        }
    }

    private record Key(String id, SecretKeySpec spec) {
    }

    private final Key current;
    private final Map<String, Key> keysById;

    private SecretBox(List<Key> keys) {
        this.current = keys.isEmpty() ? null : keys.get(0);
        this.keysById = new LinkedHashMap<>();
        keys.forEach(key -> keysById.put(key.id(), key));
    }

    /** A box that encrypts nothing: values are stored clear. */
    public static SecretBox withoutKeys() {
        return new SecretBox(List.of());
    }

    /**
     * The box of a key setting: base64 (or base64url) of 32 bytes each, comma-separated, newest first; blank for none.
     *
     * @param settingName named in the error messages, which never quote the keys
     * @throws IllegalArgumentException when a key is not base64, not 32 bytes long, or listed twice
     */
    public static SecretBox fromSetting(String setting, String settingName) {
        if (setting == null || setting.isBlank()) {
            return withoutKeys();
        }
        String[] parts = setting.split(",", -1);
        List<Key> keys = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String where = settingName + ": key " + (i + 1) + " of " + parts.length;
            byte[] material = decodeKey(parts[i].trim(), where);
            if (material.length != KEY_BYTES) {
                throw new IllegalArgumentException(where + " decodes to " + material.length + " bytes; it must be "
                        + KEY_BYTES + " random bytes, base64-encoded (e.g. the output of `openssl rand -base64 32`)");
            }
            Key key = new Key(keyId(material), new SecretKeySpec(material, "AES"));
            if (keys.stream().anyMatch(known -> known.id().equals(key.id()))) {
                throw new IllegalArgumentException(where + " repeats an earlier key");
            }
            keys.add(key);
        }
        return new SecretBox(keys);
    }

    public boolean hasKey() {
        return current != null;
    }

    /** The id of the key that seals, or null without keys. */
    public String currentKeyId() {
        return current == null ? null : current.id();
    }

    /** {@code clear} sealed under the current key; without keys, {@code clear} itself (escaped if it looks sealed). */
    public String seal(String clear) {
        if (clear == null) {
            return null;
        }
        if (current == null) {
            return clear.startsWith(SEALED_PREFIX) || clear.startsWith(CLEAR_ESCAPE) ? CLEAR_ESCAPE + clear : clear;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        String header = SEALED_PREFIX + current.id();
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, current, nonce, header, clear.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return header + ":" + BASE64URL.encodeToString(out);
    }

    /**
     * The clear value of a stored one: sealed values are decrypted, clear ones returned as they are.
     *
     * @throws UnreadableSecretException when it was sealed under a key this box lacks, or has been altered
     */
    public String open(String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith(CLEAR_ESCAPE)) {
            return stored.substring(CLEAR_ESCAPE.length());
        }
        if (!stored.startsWith(SEALED_PREFIX)) {
            return stored;
        }
        int colon = stored.indexOf(':', SEALED_PREFIX.length());
        if (colon < 0) {
            throw new UnreadableSecretException("a stored secret is not in the " + SEALED_PREFIX + "<keyId>:<data> form");
        }
        String keyId = stored.substring(SEALED_PREFIX.length(), colon);
        Key key = keysById.get(keyId);
        if (key == null) {
            throw new UnreadableSecretException("a stored secret is sealed under key id " + PeerText.line(keyId, 64)
                    + ", which the configured secrets keys do not include");
        }
        byte[] data;
        try {
            data = BASE64URL_DECODER.decode(stored.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new UnreadableSecretException("a stored secret under key id " + keyId + " is not valid base64url");
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecretException("a stored secret under key id " + keyId + " is too short to be sealed");
        }
        byte[] nonce = Arrays.copyOf(data, NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(data, NONCE_BYTES, data.length);
        return new String(crypt(Cipher.DECRYPT_MODE, key, nonce, stored.substring(0, colon), sealed), StandardCharsets.UTF_8);
    }

    /** Whether {@code stored} is as {@link #seal} writes it now: under the current key, or clear when there is none. */
    public boolean isCurrent(String stored) {
        if (stored == null) {
            return true;
        }
        if (current == null) {
            return !stored.startsWith(SEALED_PREFIX);
        }
        return stored.startsWith(SEALED_PREFIX + current.id() + ":");
    }

    /** {@code stored} under the current key: unchanged when it already is, else opened and sealed again. */
    public String reseal(String stored) {
        return isCurrent(stored) ? stored : seal(open(stored));
    }

    private static byte[] crypt(int mode, Key key, byte[] nonce, String header, byte[] input) {
        Cipher cipher = CIPHER.get();
        try {
            cipher.init(mode, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new UnreadableSecretException("a stored secret under key id " + key.id()
                    + " does not authenticate: it was altered, or sealed under another key with the same id");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private static byte[] decodeKey(String text, String where) {
        try {
            boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not base64; it must be " + KEY_BYTES
                    + " random bytes, base64-encoded (e.g. the output of `openssl rand -base64 32`)");
        }
    }

    /** A short hash of the key: names it in sealed values without revealing anything about it. */
    private static String keyId(byte[] material) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material);
            return BASE64URL.encodeToString(Arrays.copyOf(digest, KEY_ID_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }
}
